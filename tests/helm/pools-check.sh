#!/usr/bin/env bash
# pools-check.sh: the real services run with the settings the chart gives them. The
# chart is rendered; the environment, args and probe commands of the backend and
# frontend Deployments and of the migration Job are taken from the rendered objects
# and used to run the built binaries here, with only the addresses made local:
#   LISTEN -> unix sockets under RUN_DIR (the chart's nginx upstreams point there),
#   DATABASE_URI host -> a private MariaDB on a unix socket (scripts/stack.sh db-start),
#   *_FILE -> the values of the rendered Secrets written to files,
#   MIGRATIONS_DIR -> sql/ (the image finds them next to its binary),
#   BACKEND_URL -> the backend pool's socket (as in the cluster: the pool straight, fcgi://).
# Then: the migration Job's command migrates and adds the first editor from its Secret
# (twice: every upgrade runs it); every
# probe command passes; /, /backend, /api/v1/ready and the status page answer through
# the chart's nginx; with MariaDB stopped the backend's readiness fails while its
# liveness passes; SIGQUIT (the images' STOPSIGNAL) stops each pool gracefully.
# Env: HELM, RUN_DIR (.run/test-helm), PORT (18098), BUILD (build).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
helm=${HELM:-.tools/bin/helm}
port=${PORT:-18098}
build=${BUILD:-build}
for svc in backend frontend; do
	if [[ ! -x $build/fcgi-$svc ]]; then
		echo "SKIPPED: pools-check: $build/fcgi-$svc is not built"
		exit 0
	fi
done
command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || { echo "pools-check: mariadbd missing: make deps" >&2; exit 1; }
run=${RUN_DIR:-.run/test-helm}
mkdir -p "$run"
run=$(cd "$run" && pwd)/pools
stack=$run/stack
if [[ -d $stack/pids ]]; then # a MariaDB left by an interrupted run
	RUN_DIR=$stack scripts/stack.sh db-stop >/dev/null 2>&1 || true
fi
rm -rf "$run"
mkdir -p "$run/secrets" "$run/logs" "$run/nginx/run/nginx-temp"

declare -A pid=()
cleanup() {
	[[ -f $run/nginx/run/nginx.pid ]] && kill -QUIT "$(cat "$run/nginx/run/nginx.pid")" 2>/dev/null
	for p in "${pid[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	if ! RUN_DIR=$stack scripts/stack.sh db-stop >/dev/null 2>&1 && [[ -s $stack/mariadb.pid ]]; then
		kill -TERM "$(cat "$stack/mariadb.pid")" 2>/dev/null || true # our own MariaDB, by its pid file
	fi
	for _ in $(seq 50); do [[ -f $run/nginx/run/nginx.pid ]] || break; sleep 0.1; done
}
trap cleanup EXIT
passed=0
pass() { passed=$((passed + 1)); echo "ok $*"; }
fail() {
	echo "FAIL: $*" >&2
	tail -n 5 "$run"/logs/*.log >&2 2>/dev/null || true
	exit 1
}

# ---- the chart, rendered for a local run ---------------------------------------------
"$helm" template t helm/fcgi-users -f tests/helm/secrets-values.yaml --set database.sslMode=DISABLED \
	--set "nginx.upstreams.frontend=unix:$run/frontend.sock" --set "nginx.upstreams.backend=unix:$run/backend.sock" \
	--set "nginx.runDir=$run/nginx/run" --set "nginx.staticRoot=$repo/fcgi-frontend/static" \
	--set "nginx.containerPorts.http=$port" \
	--set auth.firstEditor.name=first-editor --set auth.firstEditor.existingSecret=t-first-editor \
	>"$run/rendered.yaml"
spec() { node tests/helm/pod-spec.mjs "$run/rendered.yaml" "$@"; }
spec x secret:t-fcgi-users-database:password >"$run/secrets/database-password"
spec x secret:t-fcgi-users-secret-key:secret-key >"$run/secrets/secret-key"
db_pass=$(cat "$run/secrets/database-password")
# The first editor's Secret is the operator's (auth.firstEditor.existingSecret): made here.
head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$run/secrets/first-editor"

# ---- MariaDB with the chart's database, user and password -------------------------
RUN_DIR=$stack scripts/stack.sh db-start >"$run/logs/stack.log" 2>&1 || fail "MariaDB did not start (scripts/stack.sh db-start)"
sock=$stack/mysql.sock
uri=$(spec Deployment/backend env | sed -n 's/^DATABASE_URI=//p')
[[ $uri =~ ^mysql://([^@:]+)@([^/]+)/([^?]+)\?(.*)$ ]] || fail "DATABASE_URI '$uri' is not mysql://user@host:port/db?..."
db_user=${BASH_REMATCH[1]} db_name=${BASH_REMATCH[3]} db_query=${BASH_REMATCH[4]}
mariadb --no-defaults --socket="$sock" -uroot <<SQL || fail "cannot create the chart's database and user"
CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '$db_user'@'localhost' IDENTIFIED BY '$db_pass';
GRANT ALL ON \`$db_name\`.* TO '$db_user'@'localhost';
SQL
local_uri="mysql://$db_user@localhost/$db_name?$db_query&socket=$sock"

# The services run as in their pods (tests/helm/as-pod.sh): as runAsUser, on a
# read-only root filesystem; only RUN_DIR (the local sockets) is writable.
# shellcheck source=tests/helm/as-pod.sh
source tests/helm/as-pod.sh
uid=$(spec Deployment/backend uid)
[[ $(spec Deployment/frontend uid) == "$uid" ]] || fail "the pools run as different users"
if [[ $as_pod_ok == yes ]]; then
	chown "$uid" "$run" # the sockets are made there
	why=$(as_pod_selftest "$uid" "$run") || fail "$why"
else
	echo "SKIPPED: the pools as the pods' user on a read-only root: needs root and unshare --mount"
fi
ro() { as_pod "$uid" "$run" "$@"; }

# Each pool master's own /metrics (the chart's METRICS_LISTEN=0.0.0.0:9100 in every
# pod) on a loopback port of its own here.
declare -A metrics_port=([backend]=18198 [frontend]=18199 [migrate]=18197)
# localise NAME=VALUE lines on stdin
localise() {
	sed -e "s|^LISTEN=.*|LISTEN=unix:$run/$1.sock|" \
		-e "s|^METRICS_LISTEN=.*|METRICS_LISTEN=127.0.0.1:${metrics_port[$1]}|" \
		-e "s|^DATABASE_URI=.*|DATABASE_URI=${local_uri//&/\\&}|" \
		-e "s|^DATABASE_PASSWORD_FILE=.*|DATABASE_PASSWORD_FILE=$run/secrets/database-password|" \
		-e "s|^SECRET_KEY_FILE=.*|SECRET_KEY_FILE=$run/secrets/secret-key|" \
		-e "s|^FIRST_EDITOR_PASSWORD_FILE=.*|FIRST_EDITOR_PASSWORD_FILE=$run/secrets/first-editor|" \
		-e "s|^BACKEND_URL=fcgi://.*|BACKEND_URL=fcgi://unix:$run/backend.sock|"
}

# ---- the migration Job ----------------------------------------------------------
mapfile -t job_env < <(spec Job/migrate env | localise migrate)
mapfile -t job_args < <(spec Job/migrate args)
[[ ${job_args[*]} == migrate ]] || fail "the migration Job's args are '${job_args[*]}', not 'migrate'"
for n in 1 2; do
	(ro env -i PATH=/usr/bin:/bin MIGRATIONS_DIR="$repo/sql" "${job_env[@]}" "$build/fcgi-backend" "${job_args[@]}") \
		>"$run/logs/migrate-$n.log" 2>&1 || fail "fcgi-backend migrate (run $n) with the Job's settings failed: $(tail -n 3 "$run/logs/migrate-$n.log")"
done
users=$(mariadb --no-defaults --socket="$sock" -uroot -N -e "SELECT COUNT(*) FROM \`$db_name\`.users")
[[ $users == 5 ]] || fail "after migrate: $users users, want the 5 seeded ones"
editors=$(mariadb --no-defaults --socket="$sock" -uroot -N -e "SELECT name FROM \`$db_name\`.editors")
[[ $editors == first-editor ]] || fail "after migrate: editors '$editors', want the first editor from the Secret"
grep -q "editor: added first-editor" "$run/logs/migrate-1.log" || fail "migrate run 1 did not add the first editor"
grep -q "exists already; nothing changed" "$run/logs/migrate-2.log" || fail "migrate run 2 changed the first editor"
pass "the migration Job's command migrates and seeds (5 users), adds the first editor from its Secret, and runs again as a no-op"

# ---- the pools with the Deployments' settings ----------------------------------------
for svc in backend frontend; do
	mapfile -t penv < <(spec "Deployment/$svc" env | localise "$svc")
	ro env -i PATH=/usr/bin:/bin "${penv[@]}" "$build/fcgi-$svc" >"$run/logs/$svc.log" 2>&1 &
	pid[$svc]=$!
done
for _ in $(seq 100); do [[ -S $run/backend.sock && -S $run/frontend.sock ]] && break; sleep 0.1; done
for svc in backend frontend; do
	kill -0 "${pid[$svc]}" 2>/dev/null || fail "fcgi-$svc exited at start with the chart's settings: $(tail -n 3 "$run/logs/$svc.log")"
	[[ -S $run/$svc.sock ]] || fail "fcgi-$svc does not listen"
done
for svc in backend frontend; do
	m=$(curl -fsS --max-time 5 "http://127.0.0.1:${metrics_port[$svc]}/metrics") ||
		fail "fcgi-$svc: no /metrics on its METRICS_LISTEN (the chart's metrics port)"
	grep -q "^fcgi_pool_total_processes{pool=\"$svc\"} " <<<"$m" || fail "fcgi-$svc /metrics: ${m:0:300}"
	[[ $(curl -fsS --max-time 5 "http://127.0.0.1:${metrics_port[$svc]}/-/ping") == pong ]] ||
		fail "fcgi-$svc: no /-/ping on the metrics port"
done
pass "both pools answer /metrics and /-/ping on the chart's METRICS_LISTEN (the PodMonitor's scrape)"

# probe KIND SVC: run the Deployment's probe command against the local socket.
probe() {
	local cmd
	mapfile -t cmd < <(spec "Deployment/$2" "probe:$1")
	[[ ${cmd[0]} == /usr/local/bin/fcgi-probe ]] || fail "$2 $1 probe runs ${cmd[0]}"
	images/fcgi-probe "$run/$2.sock" "${cmd[2]}"
}
for svc in backend frontend; do
	for kind in startup liveness readiness; do
		for _ in $(seq 30); do probe $kind $svc >/dev/null && break; sleep 0.2; done
		out=$(probe $kind $svc) || fail "$svc $kind probe fails: $out"
	done
done
pass "both pools start with the chart's settings (as the pod's user $uid on a read-only root filesystem: $as_pod_ok); startup, liveness and readiness probes pass"

# ---- the chart's nginx in front -----------------------------------------------------
node tests/helm/extract-nginx.mjs "$run/rendered.yaml" "$run/nginx/conf" >/dev/null
conf=$run/nginx/conf/nginx.conf
sed -i "s|listen 0.0.0.0:$port |listen 127.0.0.1:$port |; s|\"/etc/nginx/fcgi-users-errors\"|\"$run/nginx/conf/errors\"|" "$conf"
user_opt=()
[[ $(id -u) == 0 ]] && user_opt=(-g "user root;")
nginx -e "$run/logs/nginx-error.log" "${user_opt[@]}" -c "$conf" >"$run/logs/nginx.log" 2>&1 || fail "nginx did not start"
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -s -o /dev/null "$base/static/style.css" && break; sleep 0.1; done

get() { curl -sS --max-time 10 -o "$run/body" -w '%{http_code}' "$base$1" || echo 000; }
code=$(get /)
[[ $code == 200 ]] || fail "GET / answered $code: $(head -c 300 "$run/body")"
{ grep -q 'Here are our users' "$run/body" && grep -q '>Bob<' "$run/body"; } || fail "GET /: no user list with Bob: $(head -c 300 "$run/body")"
pass "GET / 200: the page lists the users (frontend -> nginx -> backend -> MariaDB)"
code=$(get /backend)
[[ $code == 200 ]] || fail "GET /backend answered $code"
[[ $(head -c 19 "$run/body") == '[{"userName":"Bob"}' ]] || fail "GET /backend: $(head -c 100 "$run/body")"
pass "GET /backend 200: $(head -c 60 "$run/body")..."
# Writes are for editors: anonymous 401; the first editor signs in and writes.
code=$(curl -sS -o "$run/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-d '{"userName":"chart-anon"}' "$base/api/v1/users")
[[ $code == 401 ]] || fail "an anonymous POST /api/v1/users answered $code"
token=$(jq -n --arg p "$(cat "$run/secrets/first-editor")" '{name: "first-editor", password: $p}' |
	curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- "$base/api/v1/sessions" | jq -r .token)
[[ $token == fus_* ]] || fail "the first editor cannot sign in through the chart's nginx"
code=$(curl -sS -o "$run/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-H "Authorization: Bearer $token" -d '{"userName":"chart-editor"}' "$base/api/v1/users")
[[ $code == 201 ]] || fail "the first editor's POST /api/v1/users answered $code: $(head -c 200 "$run/body")"
curl -sS -o /dev/null -X DELETE -H "Authorization: Bearer $token" "$base$(jq -r '"/api/v1/users/\(.id)"' "$run/body")"
pass "anonymous writes 401; the first editor (from the Secret) signs in through the chart's nginx and writes"
code=$(get /api/v1/ready)
[[ $code == 200 ]] || fail "GET /api/v1/ready answered $code"
# What an admin reads by hand (the PodMonitor scrapes the pools themselves): path + params as Prometheus sends them (?openmetrics=).
for pool in backend frontend; do
	code=$(get "/-/status/$pool?openmetrics=")
	{ [[ $code == 200 ]] && grep -q '^# EOF' "$run/body"; } ||
		fail "GET /-/status/$pool?openmetrics=: $code, $(head -c 100 "$run/body")"
done
pass "GET /api/v1/ready 200; /-/status/{backend,frontend}?openmetrics= 200 OpenMetrics (the status page an admin reads)"

# The `helm test` pod's script, run here against the chart's nginx.
helm_test() {
	local script base
	script=$(spec Pod/test script)
	base=$(spec Pod/test env | sed -n 's/^BASE=//p')
	[[ $base == http://t-fcgi-users-nginx:80 ]] || fail "helm test targets '$base', not the nginx Service"
	env -i PATH=/usr/bin:/bin BASE="http://127.0.0.1:$port" sh -ec "${script//\/tmp\//$run/}"
}
helm_test >"$run/logs/helm-test.log" 2>&1 || fail "the helm test script fails: $(cat "$run/logs/helm-test.log")"
pass "the helm test script passes: $(tr '\n' ';' <"$run/logs/helm-test.log")"

# ---- the database goes away: not ready, still alive ---------------------------------
RUN_DIR=$stack scripts/stack.sh db-stop >>"$run/logs/stack.log" 2>&1
out=$(probe readiness backend) && fail "backend readiness passes with MariaDB stopped"
probe liveness backend >/dev/null || fail "backend liveness fails with MariaDB stopped (it would be restarted)"
pass "MariaDB stopped: backend readiness fails ($out), liveness passes"
out=$(helm_test 2>&1) && fail "the helm test script passes with MariaDB stopped"
[[ $out == *"FAIL: "* ]] || fail "the helm test script fails without saying why: $out"
pass "the helm test script fails with MariaDB stopped: ${out##*FAIL: }"

# ---- SIGQUIT (STOPSIGNAL): graceful stop ---------------------------------------------
for svc in backend frontend; do
	mapfile -t workers < <(pgrep -P "${pid[$svc]}" || true)
	((${#workers[@]} > 0)) || fail "fcgi-$svc has no workers"
	kill -QUIT "${pid[$svc]}"
	rc=0
	for _ in $(seq 100); do kill -0 "${pid[$svc]}" 2>/dev/null || break; sleep 0.1; done
	kill -0 "${pid[$svc]}" 2>/dev/null && fail "fcgi-$svc still runs 10 s after SIGQUIT"
	wait "${pid[$svc]}" || rc=$?
	unset "pid[$svc]"
	((rc == 0)) || fail "fcgi-$svc exited with $rc after SIGQUIT"
	for w in "${workers[@]}"; do kill -0 "$w" 2>/dev/null && fail "fcgi-$svc worker $w outlived its master"; done
done
pass "SIGQUIT stops both pools gracefully (exit 0, no worker left)"
echo "pools-check: the services run with the chart's settings, probes and stop signal"
# The test runner adds these up.
echo "$(basename "$0"): Checks: $passed, Failures: 0, Errors: 0"
