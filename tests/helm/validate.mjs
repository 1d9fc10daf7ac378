// validate.mjs: validates every object of a rendered chart (helm template output,
// multi-document YAML on stdin or in the files named) against the Kubernetes
// schemas of npm kubernetes-models, and ServiceMonitors against
// @kubernetes-models/prometheus-operator. Exits 1 naming each object that fails or
// whose kind it cannot validate (an unknown kind is an error, never a pass).
// The modules are installed under .tools/helm by scripts/deps/70-helm.sh.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = process.env.HELM_TOOLS_MODULES || join(root, ".tools/helm/node_modules");

async function load(spec) {
  return import(pathToFileURL(join(modules, spec)).href);
}

// apiVersion + kind -> module file of its class.
function modulePath(apiVersion, kind) {
  if (apiVersion === "monitoring.coreos.com/v1")
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}.js`;
  return `kubernetes-models/${apiVersion}/${kind}.js`; // "v1" or "group/version"
}

const { parseAllDocuments } = await load("yaml/dist/index.js");
const files = process.argv.slice(2);
const inputs = files.length
  ? files.map((f) => [f, readFileSync(f, "utf8")])
  : [["<stdin>", readFileSync(0, "utf8")]];

let checked = 0;
const failures = [];
for (const [file, text] of inputs) {
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      failures.push(`${file}: YAML error: ${doc.errors[0].message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue; // empty document
    const what = `${file}: ${obj.kind ?? "?"} ${obj.metadata?.name ?? "?"}`;
    if (!obj.apiVersion || !obj.kind) {
      failures.push(`${what}: no apiVersion/kind`);
      continue;
    }
    let Model;
    try {
      Model = (await load(modulePath(obj.apiVersion, obj.kind)))[obj.kind];
    } catch {
      Model = undefined;
    }
    if (typeof Model !== "function") {
      failures.push(`${what}: no schema for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
    } catch (e) {
      failures.push(`${what}: ${e.message}`);
    }
  }
}

for (const f of failures) console.error(`INVALID ${f}`);
console.log(`validate.mjs: ${checked} objects valid, ${failures.length} invalid`);
process.exit(failures.length || checked === 0 ? 1 : 0);
