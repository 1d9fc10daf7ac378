// restricted.mjs RENDERED.yaml: every pod the chart makes (Deployments, Jobs, the
// test Pod) meets the Kubernetes Pod Security Standard "restricted" and the chart's
// own rules: non-root, no privilege escalation, read-only root filesystem, all
// capabilities dropped, seccomp RuntimeDefault, no host namespaces or hostPath, no
// API token; every long-running container has resources and startup, liveness and
// readiness probes. Containers the user adds (sidecars, initContainers values) are
// theirs to secure: only the chart's own containers, named below, are checked, and
// every pod must have at least one. Exits 1 listing each breach.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = process.env.HELM_TOOLS_MODULES || join(root, ".tools/helm/node_modules");
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")).href);

const objs = parseAllDocuments(readFileSync(process.argv[2], "utf8")).map((d) => d.toJS()).filter(Boolean);
const chartContainers = new Set(["nginx", "static", "frontend", "backend", "migrate", "routes"]);
const bad = [];
let pods = 0;
for (const o of objs) {
  const spec = o.kind === "Pod" ? o.spec : ["Deployment", "Job"].includes(o.kind) ? o.spec.template.spec : null;
  if (!spec) continue;
  pods++;
  const where = `${o.kind} ${o.metadata.name}`;
  const psc = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) bad.push(`${where}: host namespace`);
  if ((spec.volumes ?? []).some((v) => v.hostPath)) bad.push(`${where}: hostPath volume`);
  if (spec.automountServiceAccountToken !== false) bad.push(`${where}: API token mounted`);
  const own = [...(spec.initContainers ?? []), ...spec.containers].filter((c) => chartContainers.has(c.name));
  if (!own.length) bad.push(`${where}: none of the chart's containers`);
  for (const c of own) {
    const w = `${where} container ${c.name}`;
    const sc = c.securityContext ?? {};
    const eff = (k) => sc[k] ?? psc[k];
    if (eff("runAsNonRoot") !== true) bad.push(`${w}: runAsNonRoot not true`);
    const uid = eff("runAsUser");
    if (uid === 0) bad.push(`${w}: runAsUser 0`);
    if (sc.allowPrivilegeEscalation !== false) bad.push(`${w}: allowPrivilegeEscalation not false`);
    if (sc.privileged) bad.push(`${w}: privileged`);
    if (sc.readOnlyRootFilesystem !== true) bad.push(`${w}: root filesystem writable`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) bad.push(`${w}: capabilities not dropped (ALL)`);
    if ((sc.capabilities?.add ?? []).length) bad.push(`${w}: adds capabilities`);
    if ((sc.seccompProfile ?? psc.seccompProfile)?.type !== "RuntimeDefault") bad.push(`${w}: seccomp not RuntimeDefault`);
    if (!c.resources?.requests || !c.resources?.limits?.memory) bad.push(`${w}: no requests or memory limit`);
    const longRunning = o.kind === "Deployment" && !(spec.initContainers ?? []).includes(c);
    if (longRunning)
      for (const p of ["startupProbe", "livenessProbe", "readinessProbe"])
        if (!c[p]) bad.push(`${w}: no ${p}`);
  }
}
for (const b of bad) console.error(`RESTRICTED ${b}`);
console.log(`restricted.mjs: ${pods} pod specs, ${bad.length} breaches`);
process.exit(bad.length || pods === 0 ? 1 : 0);
