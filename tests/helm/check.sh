#!/usr/bin/env bash
# check.sh (make helm-check): everything that can be checked about the chart without
# a cluster:
#   1. the chart ships nginx/'s shared files unchanged (files/nginx/)
#   2. helm lint --strict with the default and the production values
#   3. helm template of several value sets; every rendered object validated against
#      the Kubernetes schemas (validate.mjs, kubernetes-models)
#   4. values.schema.json rejects bad values with a clear message (helm template fails)
#   5. upstream keepalive follows nginx/README.md's rule (and render.sh's numbers)
#   6. README.md lists every value of values.yaml
#   7. the chart's nginx configuration passes nginx -t and routes (nginx-check.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
helm=${HELM:-.tools/bin/helm}
chart=helm/fcgi-users
run=${RUN_DIR:-.run/test-helm}
mkdir -p "$run"
out=$(cd "$run" && pwd)/render
rm -rf "$out"
mkdir -p "$out"

for tool in "$helm" node nginx curl; do
	command -v "$tool" >/dev/null ||
		{ echo "helm-check: $tool is missing: run 'make deps' (scripts/deps/70-helm.*)" >&2; exit 1; }
done
[[ -d .tools/helm/node_modules/kubernetes-models ]] ||
	{ echo "helm-check: kubernetes-models is missing under .tools/helm: run 'make deps'" >&2; exit 1; }
echo "helm: $("$helm" version --short)"

passed=0
pass() { passed=$((passed + 1)); echo "ok $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Shared nginx files (written by nginx/render.sh chart --chart-files).
mkdir -p "$out/chart-files"
nginx/render.sh chart --chart-files "$out/chart-files" >/dev/null
diff -r "$out/chart-files" "$chart/files/nginx" >"$out/chart-files.diff" 2>&1 ||
	{ cat "$out/chart-files.diff"; fail "$chart/files/nginx differs from nginx/: run 'make nginx-chart-files'"; }
pass "1: $chart/files/nginx = nginx/ (shared routes, headers, error pages)"

# 2. Lint.
sv=tests/helm/secrets-values.yaml # the default setup names its secrets
"$helm" lint --strict "$chart" -f "$sv" >"$out/lint-default.log" 2>&1 || { cat "$out/lint-default.log"; fail "helm lint --strict (default values)"; }
"$helm" lint --strict "$chart" -f "$chart/values-production.yaml" >"$out/lint-production.log" 2>&1 ||
	{ cat "$out/lint-production.log"; fail "helm lint --strict (values-production.yaml)"; }
pass "2: helm lint --strict: default and production values"

# 3. Template + schema validation of every object, for several value sets.
declare -A sets=(
	[default]="-f $sv"
	[production]="-f $chart/values-production.yaml"
	[everything]="-f $sv --set ingress.enabled=true --set ingress.tls=true --set ingress.ingressClassName=alb
		--set metrics.podMonitor.enabled=true --set metrics.prometheusRule.enabled=true
		--set metrics.nginxExporter.enabled=true --set metrics.networkPolicyFrom[0].namespaceSelector.matchLabels.name=monitoring
		--api-versions monitoring.coreos.com/v1/PodMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule
		--set nginx.autoscaling.enabled=true
		--set frontend.autoscaling.enabled=true --set backend.autoscaling.enabled=true
		--set backend.autoscaling.targetMemory=80 --set nginx.pdb.create=true
		--set frontend.pdb.create=true --set backend.pdb.create=true --set backend.pdb.minAvailable=50%
		--set backend.pool.pm=dynamic --set database.caCert.existingSecret=rds-ca
		--set database.admin.user=admin --set database.admin.existingSecret=db-admin
		--set networkPolicy.allowExternal=false --set networkPolicy.databaseCIDRs={10.1.0.0/16}
		--set backend.extraEnvVarsCM=extra --set frontend.extraEnvVarsSecret=extra
		--set commonAnnotations.team=users --set commonLabels.tier=web
		--set backend.sidecars[0].name=proxy --set backend.sidecars[0].image=envoy:1
		--set nginx.initContainers[0].name=wait --set nginx.initContainers[0].image=busybox:1
		--set nginx.sidecars[0].name=exporter --set nginx.sidecars[0].image=exporter:1
		--set global.imagePullSecrets={regcred} --set backend.image.digest=sha256:$(printf '0%.0s' {1..64})"
	[minimal]="--set networkPolicy.enabled=false --set backend.migration.enabled=false
		--set serviceAccount.create=false --set database.existingSecret=db --set secretKey.existingSecret=sk
		--set nginx.podSecurityContext.enabled=false --set backend.containerSecurityContext.enabled=false
		--set frontend.livenessProbe.enabled=false --set nginx.preStopSleepSeconds=0
		--set backend.podAntiAffinityPreset=hard --set frontend.podAntiAffinityPreset="
)
for name in default production everything minimal; do
	# shellcheck disable=SC2086 # the value sets are word lists
	"$helm" template rel "$chart" --namespace users ${sets[$name]} >"$out/$name.yaml" 2>"$out/$name.err" ||
		{ cat "$out/$name.err"; fail "helm template ($name values)"; }
	node tests/helm/validate.mjs "$out/$name.yaml" || fail "rendered objects invalid ($name values)"
done
kinds() { grep -h '^kind: ' "$1" | sort | uniq -c | awk '{printf "%s%s=%s", sep, $3, $1; sep=" "}'; }
echo "   everything: $(kinds "$out/everything.yaml")"
grep -q '^kind: PodMonitor' "$out/everything.yaml" || fail "no PodMonitor rendered"
grep -q '^kind: PrometheusRule' "$out/everything.yaml" || fail "no PrometheusRule rendered"
grep -q 'name: nginx-exporter' "$out/everything.yaml" || fail "no nginx exporter sidecar"
[[ $(grep -c 'name: METRICS_LISTEN' "$out/default.yaml") == 2 ]] || fail "default: METRICS_LISTEN not set on both pools"
grep -qE '^kind: (PodMonitor|PrometheusRule)' "$out/production.yaml" &&
	fail "production: Prometheus Operator objects rendered for a cluster without monitoring.coreos.com/v1"
# The PrometheusRule carries the rules file unchanged (the VM loads the same file).
node --input-type=module -e '
import { readFileSync } from "node:fs";
const { parseAllDocuments, parse } = await import(process.argv[1] + "/yaml/dist/index.js");
const rule = parseAllDocuments(readFileSync(process.argv[2], "utf8")).map(d => d.toJS()).find(o => o && o.kind === "PrometheusRule");
const want = parse(readFileSync(process.argv[3], "utf8"));
if (JSON.stringify(rule.spec) !== JSON.stringify(want)) { console.error("PrometheusRule spec differs from the rules file"); process.exit(1); }
' "$(pwd)/.tools/helm/node_modules" "$out/everything.yaml" prometheus/fcgi-users.rules.yml || fail "PrometheusRule"
grep -q '^kind: HorizontalPodAutoscaler' "$out/production.yaml" || fail "production: no HPA"
grep -q '^kind: PodDisruptionBudget' "$out/production.yaml" || fail "production: no PDB"
grep -q '^kind: NetworkPolicy' "$out/minimal.yaml" && fail "minimal: NetworkPolicy rendered although disabled"
grep -q 'args: \["migrate"\]' "$out/default.yaml" || fail "default: no migration Job running 'migrate'"
grep -q 'helm.sh/hook: pre-install,pre-upgrade' "$out/default.yaml" || fail "default: the migration is not a pre-install/pre-upgrade hook"
grep -q 'name: rel-fcgi-users-database' "$out/minimal.yaml" && fail "minimal: a database Secret was created despite existingSecret"
grep -q 'secretName: db$' "$out/minimal.yaml" || fail "minimal: database.existingSecret is not used"
# The frontend asks the backend pool straight (fcgi://), and the NetworkPolicies let it.
grep -q 'value: "fcgi://rel-fcgi-users-backend:9000"' "$out/default.yaml" ||
	fail "default: the frontend's BACKEND_URL is not the backend pool (fcgi://rel-fcgi-users-backend:9000)"
np_of() { # FILE NAME -> that NetworkPolicy's YAML
	awk -v n="name: $2" '/^---/ {if (np && hit) print buf; buf = ""; np = 0; hit = 0; next}
		{buf = buf $0 "\n"} /^kind: NetworkPolicy/ {np = 1} $0 ~ "^  " n "$" {hit = 1}
		END {if (np && hit) print buf}' "$1"
}
# (Outputs are grepped from variables: under pipefail, `producer | grep -q` fails when
# grep quits at its match while the producer still writes.)
np=$(np_of "$out/default.yaml" rel-fcgi-users-frontend)
to_backend=$(grep -A10 'backend pool, straight' <<<"$np" || true)
grep -q 'component: backend' <<<"$to_backend" ||
	fail "default: the frontend's NetworkPolicy does not let it reach the backend pods"
np=$(np_of "$out/default.yaml" rel-fcgi-users-backend)
grep -q 'component: frontend' <<<"$np" ||
	fail "default: the backend's NetworkPolicy does not admit the frontend"
"$helm" template rel "$chart" -f "$sv" --set frontend.backendURL=http://rel-fcgi-users-nginx:80 >"$out/via-nginx.yaml"
np=$(np_of "$out/via-nginx.yaml" rel-fcgi-users-backend)
grep -q 'component: frontend' <<<"$np" &&
	fail "frontend.backendURL=http://…: the backend still admits the frontend"
np=$(np_of "$out/via-nginx.yaml" rel-fcgi-users-frontend)
grep -q 'through nginx' <<<"$np" ||
	fail "frontend.backendURL=http://…: the frontend may not reach nginx"
pass "3: helm template + kubernetes-models validation: default, production, everything, minimal; the frontend reaches the backend pool straight (fcgi://) and the NetworkPolicies follow"
# The admin credentials reach the migration Job only; it creates the pools' user.
for name in everything production; do
	docs_with() { awk -v RS='\n---\n' -v pat="$1" 'index($0, pat) { if (match($0, /\nkind: [A-Za-z]+/)) print substr($0, RSTART + 7, RLENGTH - 7) }' "$out/$name.yaml" | sort -u | tr '\n' ' '; }
	[[ $(docs_with /etc/fcgi-users/database-admin) == "Job " ]] ||
		fail "$name: the admin password is mounted outside the migration Job: $(docs_with /etc/fcgi-users/database-admin)"
	[[ $(docs_with APP_DATABASE_USER) == "Job " ]] || fail "$name: the migration Job does not create the app user"
done
grep -q 'value: "mysql://admin@' "$out/everything.yaml" || fail "everything: the migration Job does not connect as database.admin.user"
[[ $(grep -c 'value: "mysql://users@' "$out/everything.yaml") == 1 ]] || fail "everything: the backend pool does not connect as database.user"
grep -q 'database-admin\|APP_DATABASE' "$out/default.yaml" && fail "default: admin settings without database.admin.user"
pass "3: helm template + kubernetes-models validation: default, production, everything, minimal; admin credentials in the migration Job only"

# 3b. Pod security: "restricted" for every pod, probes and resources everywhere.
for name in default production everything; do
	node tests/helm/restricted.mjs "$out/$name.yaml" || fail "pod security ($name values)"
done
node tests/helm/restricted.mjs "$out/minimal.yaml" >/dev/null 2>&1 &&
	fail "restricted.mjs passed a render with the security contexts switched off"
pass "3b: every pod is non-root, read-only, capability-free, seccomp RuntimeDefault, probed"
node tests/helm/ha.mjs "$out/production.yaml" || fail "values-production.yaml is not highly available"
node tests/helm/ha.mjs "$out/default.yaml" >/dev/null 2>&1 && fail "ha.mjs passed the single-pod defaults"
pass "3d: production: >= 2 pods each, spread over nodes and zones, PDBs that allow drains, surge-only rollouts"

# 3c. NOTES.txt renders and tells the next step.
"$helm" install rel "$chart" --dry-run=client -n users -f "$sv" >"$out/notes-default.txt" 2>&1 || fail "helm install --dry-run (default)"
"$helm" install rel "$chart" --dry-run=client -n users -f "$chart/values-production.yaml" >"$out/notes-production.txt" 2>&1 ||
	fail "helm install --dry-run (production)"
grep -q 'helm test rel -n users' "$out/notes-default.txt" || fail "NOTES: no helm test line"
grep -q 'password from database.password' "$out/notes-default.txt" || fail "NOTES: does not say where the password comes from"
grep -q 'WARNING: PodMonitor asked for, but this cluster does not serve' "$out/notes-production.txt" ||
	fail "NOTES (production, no Prometheus Operator): does not say the PodMonitor was left out"
grep -q 'the HorizontalPodAutoscalers will never scale' "$out/notes-production.txt" ||
	fail "NOTES (production, no metrics server): does not warn that the HPAs cannot scale"
grep -q 'password from Secret fcgi-users-database' "$out/notes-production.txt" || fail "NOTES (production): existing Secret not named"
grep -q 'https://users.example.com/' "$out/notes-production.txt" || fail "NOTES (production): no URL"
pass "3c: NOTES.txt (default and production)"

# 3e. What a first production install hits (issue 15's defects a, b, c, e).
# e: nothing random: two renders are identical (Argo CD and Flux render on every sync).
for name in default production; do
	# shellcheck disable=SC2086 # the value sets are word lists
	"$helm" template rel "$chart" --namespace users ${sets[$name]} >"$out/$name-again.yaml" 2>&1
	cmp -s "$out/$name.yaml" "$out/$name-again.yaml" ||
		fail "e: two renders of the $name values differ (a generated secret?): $(diff "$out/$name.yaml" "$out/$name-again.yaml" | head -n 4)"
done
# a: the project's registry (deploy-prod's global.imageRegistry) applies to the
#    project's images only; nginx and the test pod keep the registries they name.
ecr=123456789012.dkr.ecr.eu-west-1.amazonaws.com
"$helm" template rel "$chart" -f "$chart/values-production.yaml" --set global.imageRegistry=$ecr >"$out/ecr.yaml"
mapfile -t imgs < <(sed -n 's/^ *image: "\(.*\)"$/\1/p' "$out/ecr.yaml" | sort -u)
for img in "${imgs[@]}"; do
	case $img in
	$ecr/fcgi-users/backend:* | $ecr/fcgi-users/frontend:*) ;;
	$ecr/*) fail "a: with global.imageRegistry=$ecr the chart runs image $img (the registry holds only backend and frontend)" ;;
	*fcgi-users/backend* | *fcgi-users/frontend*) fail "a: the project's image $img is not taken from global.imageRegistry" ;;
	esac
done
[[ " ${imgs[*]} " == *" docker.io/library/nginx:"* ]] || fail "a: nginx's image is not docker.io's"
# b: kinds a cluster may lack are rendered only where it serves them (PodMonitor and
#    PrometheusRule: checked in 3 above).
# c: the database CIDR comes from Terraform (deploy-prod passes vpc_cidr_block), not
#    from a guess in the values file.
node --input-type=module -e '
import { readFileSync } from "node:fs";
const { parse } = await import(process.argv[1] + "/yaml/dist/index.js");
const v = parse(readFileSync(process.argv[2], "utf8"));
if ((v.networkPolicy?.databaseCIDRs ?? []).length) { console.error(JSON.stringify(v.networkPolicy.databaseCIDRs)); process.exit(1); }
' "$(pwd)/.tools/helm/node_modules" "$chart/values-production.yaml" ||
	fail "c: values-production.yaml hard-codes networkPolicy.databaseCIDRs (deploy-prod sets them from Terraform's vpc_cidr_block)"
pass "3e: renders are identical; the ECR registry rewrites only backend/frontend; database CIDRs from Terraform"

# 4. The schema rejects bad values, with a message naming the value.
reject() { # MESSAGE-SUBSTRING helm-args...
	local want=$1 err
	shift
	if err=$("$helm" template rel "$chart" -f "$sv" "$@" 2>&1 >/dev/null); then
		fail "helm template accepted $*"
	fi
	[[ $err == *"$want"* ]] || fail "helm template $*: error does not say '$want': $err"
	echo "   rejected $* -> $(grep -F -- "$want" <<<"$err" | head -n1 | sed 's/^[- ]*//')"
}
printf 'frontend:\n  image:\n    repository: null\n' >"$out/no-repo.yaml"
reject "at '/backend/replicaCount': minimum: got -1, want 0" --set backend.replicaCount=-1
reject "at '/nginx/replicaCount': minimum: got -2, want 0" --set nginx.replicaCount=-2
reject "at '/frontend/image': missing property 'repository'" -f "$out/no-repo.yaml"
reject "at '/backend/image/repository': minLength" --set backend.image.repository=
reject "additional properties 'replicas' not allowed" --set replicas=3
reject "at '/nginx/workerProcesses': got string, want integer" --set nginx.workerProcesses=auto
reject "at '/database/sslMode'" --set database.sslMode=ON
reject "at '/backend/pool/pm'" --set backend.pool.pm=ondemand
reject "backend.pool.maxSpareServers (9) is more than backend.pool.workers (4)" \
	--set backend.pool.pm=dynamic --set backend.pool.maxSpareServers=9
reject "backend.terminationGracePeriodSeconds (10) must exceed" --set backend.terminationGracePeriodSeconds=10
reject "at '/secretKey/value'" --set secretKey.value=short
reject "database.existingSecret or database.password must be set" --set database.password=
reject "secretKey.existingSecret or secretKey.value must be set" --set secretKey.value=
reject "database.admin.existingSecret must be set with database.admin.user" --set database.admin.user=admin
reject "database.admin.user must differ from database.user" --set database.admin.user=users --set database.admin.existingSecret=a
pass "4: values.schema.json and the chart reject bad values with a message naming them"

# 4b. Database connection budget: (pods at the most + surge) x workers + migration +
#     reserved must stay within database.maxConnections (docs/kubernetes.md).
budget() { # helm-args... -> the NOTES line's total
	"$helm" install rel "$chart" --dry-run=client -n users -f "$sv" "$@" 2>&1 |
		sed -n 's/^ *connections at full scale: \([0-9]*\).*/\1/p'
}
[[ $(budget) == 19 ]] || fail "default budget is not (1 + 1 surge) x 4 + 1 + 10 = 19"
[[ $(budget -f "$chart/values-production.yaml") == 115 ]] ||
	fail "production budget is not (12 + 1) x 8 + 1 + 10 = 115"
[[ $(budget --set database.maxConnections=19) == 19 ]] || fail "a budget exactly at maxConnections was refused"
reject "backend.replicaCount 1 + rolling-update surge 1) backend pods x backend.pool.workers 4 + migration Job 1 + database.reservedConnections 10 = 19, more than database.maxConnections (18)" \
	--set database.maxConnections=18
reject "(backend.autoscaling.maxReplicas 40 + rolling-update surge 1) backend pods x backend.pool.workers 4" \
	--set backend.autoscaling.enabled=true --set backend.autoscaling.maxReplicas=40
# maxSurge as a percentage rounds up: 29 pods, 50% -> 15 more.
reject "(backend.replicaCount 29 + rolling-update surge 15) backend pods x backend.pool.workers 4 + migration Job 1 + database.reservedConnections 10 = 187" \
	--set backend.replicaCount=29 --set backend.updateStrategy.rollingUpdate.maxSurge=50%
[[ $(budget --set backend.replicaCount=29 --set backend.updateStrategy.rollingUpdate.maxSurge=50% \
	--set database.maxConnections=0) == 187 ]] || fail "database.maxConnections=0 should turn the check off"
[[ $(budget --set backend.migration.enabled=false --set database.reservedConnections=0) == 8 ]] ||
	fail "the budget does not follow backend.migration.enabled and database.reservedConnections"
pass "4b: the database connection budget is computed and enforced (docs/kubernetes.md)"

# 5. Keepalive: max(0, floor((P - 1 - C) / W)), P = pool workers of all pods,
#    C = requests in flight at most (default P), W = nginx workers of all pods.
keepalive() { # FILE UPSTREAM -> number (0 when there is no keepalive line)
	awk -v u="upstream fcgi_$2 {" 'index($0, u) {on=1} on && /keepalive [0-9]+;/ {gsub(/[^0-9]/, ""); print; exit} on && /^ *}/ {print 0; exit}' "$1"
}
check_ka() { # NAME FILE UPSTREAM P C W
	local got want=$((($4 - 1 - $5) / $6))
	((want > 0)) || want=0
	got=$(keepalive "$2" "$3")
	[[ $got == "$want" ]] || fail "$1: $3 keepalive $got, want max(0, floor(($4 - 1 - $5) / $6)) = $want"
	echo "   $1: $3 keepalive $got (P=$4, C=$5, W=$6)"
}
check_ka default "$out/default.yaml" backend 4 4 2        # saturable pool: off
check_ka production "$out/production.yaml" backend 24 24 4
"$helm" template rel "$chart" -f "$chart/values-production.yaml" \
	--set nginx.upstreamConcurrency.backend=12 --set nginx.upstreamConcurrency.frontend=3 >"$out/ka-c.yaml"
check_ka bounded "$out/ka-c.yaml" backend 24 12 4       # 8 workers x 3 pods (HPA min); 2 x 2 nginx
check_ka bounded "$out/ka-c.yaml" frontend 24 3 4
up=$(grep -A4 'upstream fcgi_backend {' "$out/default.yaml" || true)
grep -q 'keepalive [0-9]' <<<"$up" && fail "default: keepalive line although 0"
"$helm" template rel "$chart" -f "$sv" --set nginx.upstreamKeepalive=7 >"$out/ka7.yaml"
[[ $(keepalive "$out/ka7.yaml" backend) == 7 ]] || fail "nginx.upstreamKeepalive=7 not used"
# FCGI_KEEP_CONN is asked for only when an upstream keeps connections.
[[ $(grep -c '^ *fastcgi_keep_conn off;' "$out/default.yaml") == 1 ]] || fail "default: fastcgi_keep_conn not off (no upstream keepalive)"
[[ $(grep -c '^ *fastcgi_keep_conn on;' "$out/ka7.yaml") == 1 ]] || fail "nginx.upstreamKeepalive=7: fastcgi_keep_conn not on"
[[ $(grep -c '^ *fastcgi_keep_conn on;' "$out/ka-c.yaml") == 1 ]] || fail "bounded concurrency (keepalive > 0): fastcgi_keep_conn not on"
# The same numbers as nginx/render.sh for the same P, C, W.
rs=$(nginx/render.sh chart --backend x:1 --backend-workers 24 --backend-concurrency 12 --nginx-workers 4 \
	--frontend y:1 --frontend-workers 24 --frontend-concurrency 3)
for u in backend frontend; do
	[[ $(keepalive <(echo "$rs") "$u") == "$(keepalive "$out/ka-c.yaml" "$u")" ]] ||
		fail "$u keepalive differs from nginx/render.sh's for the same P, C, W"
done
echo "   nginx/render.sh agrees (P=24, C=12 and 3, W=4)"
pass "5: upstream keepalive follows the rule"

# 6. README lists every value.
mapfile -t params < <(sed -n 's/^ *## @param \([^ ]*\) .*/\1/p' "$chart/values.yaml")
((${#params[@]} > 50)) || fail "values.yaml: too few @param lines (${#params[@]})"
for p in "${params[@]}"; do
	grep -qF "\`$p\`" "$chart/README.md" || fail "$chart/README.md does not list \`$p\`"
done
node tests/helm/values-table.mjs --check || fail "README values table out of date"
# ... and every leaf of values.yaml is covered by an @param (itself or a parent).
# shellcheck disable=SC2016 # JavaScript, not shell
node --input-type=module -e '
import { readFileSync } from "node:fs";
const { parse } = await import(process.argv[1] + "/yaml/dist/index.js");
const v = parse(readFileSync(process.argv[2], "utf8"));
const params = new Set(process.argv.slice(3));
const missing = [];
const walk = (o, path) => {
  if (params.has(path)) return;
  if (o && typeof o === "object" && !Array.isArray(o) && Object.keys(o).length) {
    for (const [k, x] of Object.entries(o)) walk(x, path ? `${path}.${k}` : k);
  } else missing.push(path);
};
walk(v, "");
if (missing.length) { console.error("values without @param: " + missing.join(", ")); process.exit(1); }
' "$(pwd)/.tools/helm/node_modules" "$chart/values.yaml" "${params[@]}" || fail "values.yaml has values without an @param line"
pass "6: README.md lists all ${#params[@]} values"

# 7. nginx.
bash tests/helm/nginx-check.sh
pass "7: nginx -t and routing of the chart's nginx configuration"
echo "helm-check: all passed"
# The test runner adds these up.
echo "$(basename "$0"): Checks: $passed, Failures: 0, Errors: 0"
