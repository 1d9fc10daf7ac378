// kube-play.mjs RENDERED.yaml OUTDIR: turns the rendered chart into what podman 4.3's
// `kube play` can run, one file per workload, and says on stdout which files it wrote.
// Every change works around a measured podman 4.3 limit (docs/kubernetes.md lists
// them); nothing else of the chart's pod specs is touched, so what runs is the chart's
// own environment, volumes, Secrets, ConfigMaps and security contexts:
//   - Jobs and Deployments become bare Pods of their pod template (kube play takes no
//     Job; a Deployment's restartPolicy Always restarts nginx's init container in a
//     loop): restartPolicy Never, so a crash shows as an exit, never hidden by restarts;
//   - Secrets go to secrets/NAME.yaml, one each, with their data decoded, for
//     `podman secret create NAME FILE`: a Secret played by kube play must be base64 and
//     is then mounted still base64 (and breaks secretKeyRef), while a secret volume
//     reads a podman secret holding a Secret's YAML and mounts its `data` as written.
//     podman also ignores items' paths (the chart's keys are its paths) and
//     defaultMode (files are 0644). Every secret volume gets `optional: false` (podman
//     panics without it; the same on Kubernetes);
//   - containers lose `ports:` (refused with the host network, which the pods share:
//     Services are ignored by kube play, so the values give 127.0.0.1 addresses);
//   - for the same reason each pool's METRICS_LISTEN gets its own port, from
//     KUBE_PLAY_METRICS_PORTS="backend=P1,frontend=P2" (on Kubernetes every pod has its
//     own network, so the chart gives all of them metrics.port);
//   - kinds kube play ignores (Service, ServiceAccount, NetworkPolicy, HPA, PDB,
//     Ingress, monitors) are dropped and listed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = process.env.HELM_TOOLS_MODULES || join(root, ".tools/helm/node_modules");
const { parseAllDocuments, stringify } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")).href);

const [rendered, outdir] = process.argv.slice(2);
if (!rendered || !outdir) {
  console.error("usage: kube-play.mjs RENDERED.yaml OUTDIR");
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
const objs = parseAllDocuments(readFileSync(rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
const configMaps = objs.filter((o) => o.kind === "ConfigMap");
const dropped = [];

const secrets = objs
  .filter((o) => o.kind === "Secret")
  .map((s) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: s.metadata.name },
    type: s.type,
    data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])),
  }));
mkdirSync(join(outdir, "secrets"), { recursive: true });
for (const s of secrets) writeFileSync(join(outdir, "secrets", `${s.metadata.name}.yaml`), stringify(s));
console.log(`secrets/ ${secrets.map((s) => s.metadata.name).join(" ")}`);

const metricsPorts = Object.fromEntries(
  (process.env.KUBE_PLAY_METRICS_PORTS ?? "").split(",").filter(Boolean).map((kv) => kv.split("=")),
);

const toPod = (name, labels, spec) => {
  const pod = structuredClone(spec);
  pod.restartPolicy = "Never";
  const component = labels?.["app.kubernetes.io/component"] ?? name;
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    delete c.ports;
    for (const e of c.env ?? []) {
      if (e.name !== "METRICS_LISTEN") continue;
      if (!metricsPorts[component]) {
        console.error(`${component}: METRICS_LISTEN needs a port of its own (KUBE_PLAY_METRICS_PORTS)`);
        process.exit(1);
      }
      e.value = `127.0.0.1:${metricsPorts[component]}`;
    }
  }
  for (const v of pod.volumes ?? []) if (v.secret) v.secret.optional = false;
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: pod };
};

for (const o of objs) {
  let pod;
  if (o.kind === "Job" || o.kind === "Deployment") {
    pod = toPod(o.metadata.name, o.spec.template.metadata?.labels, o.spec.template.spec);
  } else if (o.kind === "Pod") {
    pod = toPod(o.metadata.name, o.metadata.labels, o.spec);
  } else {
    if (!["Secret", "ConfigMap"].includes(o.kind)) dropped.push(`${o.kind}/${o.metadata.name}`);
    continue;
  }
  const component = pod.metadata.labels?.["app.kubernetes.io/component"] ?? o.metadata.name;
  const used = new Set((pod.spec.volumes ?? []).filter((v) => v.configMap).map((v) => v.configMap.name));
  const docs = [...configMaps.filter((c) => used.has(c.metadata.name)), pod];
  writeFileSync(join(outdir, `${component}.yaml`), docs.map((d) => stringify(d)).join("---\n"));
  console.log(`${component}.yaml ${o.kind}/${o.metadata.name}`);
}
console.log(`dropped ${dropped.join(" ")}`);
