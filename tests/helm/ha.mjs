// ha.mjs RENDERED.yaml: the rendered release is highly available, as
// values-production.yaml promises: every Deployment runs >= 2 pods (replicas, or
// its HPA's minReplicas), spread over nodes (pod anti-affinity or a spread
// constraint on the hostname) and zones (a topology spread constraint), with a PodDisruptionBudget
// that still lets a node drain (it allows at least one pod to go at the minimum
// size) and a rolling update that never drops below the desired count.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = process.env.HELM_TOOLS_MODULES || join(root, ".tools/helm/node_modules");
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")).href);

const objs = parseAllDocuments(readFileSync(process.argv[2], "utf8")).map((d) => d.toJS()).filter(Boolean);
const bad = [];
const deployments = objs.filter((o) => o.kind === "Deployment");
for (const d of deployments) {
  const name = d.metadata.name;
  const hpa = objs.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === name);
  const min = hpa ? hpa.spec.minReplicas : d.spec.replicas;
  if (!(min >= 2)) bad.push(`${name}: at least ${min} pod(s)`);
  const spec = d.spec.template.spec;
  const aa = spec.affinity?.podAntiAffinity ?? {};
  const onHost = [
    ...(aa.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(aa.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p) => p.podAffinityTerm),
    ...(spec.topologySpreadConstraints ?? []),
  ].some((t) => t.topologyKey === "kubernetes.io/hostname");
  if (!onHost) bad.push(`${name}: not spread over nodes`);
  if (!(spec.topologySpreadConstraints ?? []).some((t) => t.topologyKey === "topology.kubernetes.io/zone"))
    bad.push(`${name}: not spread over zones`);
  const labels = d.spec.selector.matchLabels;
  const pdb = objs.find((o) => o.kind === "PodDisruptionBudget" &&
    Object.entries(o.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
  if (!pdb) bad.push(`${name}: no PodDisruptionBudget`);
  else {
    const pct = (v) => (typeof v === "string" && v.endsWith("%") ? Math.ceil((parseInt(v, 10) / 100) * min) : v);
    const allowed = pdb.spec.minAvailable !== undefined ? min - pct(pdb.spec.minAvailable) : pct(pdb.spec.maxUnavailable);
    if (!(allowed >= 1)) bad.push(`${name}: its PDB lets no pod go at ${min} pods: node drains would hang`);
    if (pdb.spec.minAvailable !== undefined && !(pct(pdb.spec.minAvailable) >= 1)) bad.push(`${name}: PDB keeps no pod`);
  }
  if (d.spec.strategy?.rollingUpdate?.maxUnavailable !== 0) bad.push(`${name}: rolling update may drop pods`);
}
if (deployments.length !== 3) bad.push(`expected 3 Deployments, found ${deployments.length}`);
for (const b of bad) console.error(`NOT HA ${b}`);
console.log(`ha.mjs: ${deployments.length} Deployments, ${bad.length} problems`);
process.exit(bad.length ? 1 : 0);
