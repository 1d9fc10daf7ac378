// extract-nginx.mjs RENDERED.yaml OUTDIR: writes the nginx configuration the chart
// mounts into the nginx container, file by file, into OUTDIR: the ConfigMap named by
// the nginx Deployment's "config" volume, with that volume's key -> path items (so
// the files land where the pod would see them under /etc/nginx/fcgi-users), and the
// "errors" volume's pages into OUTDIR/errors.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = process.env.HELM_TOOLS_MODULES || join(root, ".tools/helm/node_modules");
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")).href);

const [rendered, outdir] = process.argv.slice(2);
if (!rendered || !outdir) {
  console.error("usage: extract-nginx.mjs RENDERED.yaml OUTDIR");
  process.exit(2);
}
const objs = parseAllDocuments(readFileSync(rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
const deploy = objs.find(
  (o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/component"] === "nginx",
);
if (!deploy) throw new Error("no nginx Deployment in the rendered chart");
const vol = deploy.spec.template.spec.volumes.find((v) => v.name === "config");
if (!vol?.configMap) throw new Error("the nginx Deployment has no 'config' ConfigMap volume");
const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === vol.configMap.name);
if (!cm) throw new Error(`ConfigMap ${vol.configMap.name} is not rendered`);
const items = vol.configMap.items ?? Object.keys(cm.data).map((k) => ({ key: k, path: k }));
// The error pages: their own volume, mounted beside the config (written to errors/).
const errs = deploy.spec.template.spec.volumes.find((v) => v.name === "errors");
if (!errs?.configMap) throw new Error("the nginx Deployment has no 'errors' ConfigMap volume");
for (const it of errs.configMap.items) items.push({ key: it.key, path: join("errors", it.path) });
for (const { key, path } of items) {
  if (!(key in cm.data)) throw new Error(`volume item ${key} is not in ConfigMap ${cm.metadata.name}`);
  const file = join(outdir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, cm.data[key]);
}
console.log(`extract-nginx.mjs: ${items.length} files of ConfigMap ${cm.metadata.name} in ${outdir}`);
