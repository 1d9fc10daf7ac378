// pod-spec.mjs RENDERED.yaml KIND/COMPONENT WHAT: prints one part of a rendered pod
// spec (the first container of the Deployment or Job whose component label is
// COMPONENT), one item per line, for shell scripts that run the real programs with
// the chart's settings:
//   env            NAME=VALUE lines (valueFrom is an error: the check must know it)
//   args           the container's args
//   command        the container's command
//   uid            the user the container runs as (runAsUser)
//   script         the last arg (the shell script of a "sh -c" container)
//   probe:NAME     the exec command of the startup/liveness/readiness probe
//   secret:NAME:KEY  the decoded value of a rendered Secret
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = process.env.HELM_TOOLS_MODULES || join(root, ".tools/helm/node_modules");
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")).href);

const [file, target, what] = process.argv.slice(2);
const objs = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
const die = (m) => { console.error(`pod-spec.mjs: ${m}`); process.exit(1); };

if (what?.startsWith("secret:")) {
  const [, name, key] = what.split(":");
  const s = objs.find((o) => o.kind === "Secret" && o.metadata.name === name);
  if (!s?.data?.[key]) die(`no Secret ${name} with key ${key}`);
  console.log(Buffer.from(s.data[key], "base64").toString());
  process.exit(0);
}
const [kind, component] = (target ?? "").split("/");
const obj = objs.find((o) => o.kind === kind && o.metadata.labels?.["app.kubernetes.io/component"] === component);
if (!obj) die(`no ${kind} with component ${component}`);
const c = (obj.kind === "Pod" ? obj.spec : obj.spec.template.spec).containers[0];
if (what === "env") {
  for (const e of c.env ?? []) {
    if (e.valueFrom) die(`${e.name} uses valueFrom`);
    if (String(e.value ?? "").includes("\n")) die(`${e.name} has a newline`);
    console.log(`${e.name}=${e.value ?? ""}`);
  }
} else if (what === "args") {
  for (const a of c.args ?? []) console.log(a);
} else if (what === "uid") {
  const podSpec = obj.kind === "Pod" ? obj.spec : obj.spec.template.spec;
  const uid = c.securityContext?.runAsUser ?? podSpec.securityContext?.runAsUser;
  if (uid === undefined) die("no runAsUser");
  console.log(uid);
} else if (what === "command") {
  for (const a of c.command ?? []) console.log(a);
} else if (what === "script") {
  process.stdout.write((c.args ?? []).at(-1) ?? ""); // a shell script given as the last arg
} else if (what?.startsWith("probe:")) {
  const p = c[`${what.slice(6)}Probe`];
  if (!p?.exec) die(`no exec ${what.slice(6)}Probe`);
  for (const a of p.exec.command) console.log(a);
} else die(`unknown WHAT '${what}'`);
