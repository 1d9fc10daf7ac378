#!/usr/bin/env bash
# kube-play-check.sh (make kube-play-check): the chart's pods run for real, with the
# images `make images` builds, under podman 4.3's `kube play` (no Kubernetes here):
#   1. make images (cached layers), plus the two stand-ins for images this machine
#      cannot pull (nginx and the test pod's curl: images/test/, from the same base);
#   2. the chart rendered with those images and 127.0.0.1 addresses (kube play ignores
#      Services), turned into playable pods by kube-play.mjs (the workarounds);
#   3. in a private network namespace (the pods share its loopback: nothing listens
#      outside it): MariaDB with TLS (scripts/stack.sh, DB_TLS=1), the chart's user,
#      database.sslMode VERIFY_IDENTITY with the CA as a Secret;
#   4. the migration Job's pod runs to exit 0 (5 users); then nginx, frontend and
#      backend pods, with the chart's env, Secrets, ConfigMaps and security contexts
#      (uid 10001 and 101, read-only root, all capabilities dropped: checked in the
#      running containers);
#   5. make smoke URL=... passes; the `helm test` pod runs its own command and exits 0;
#   6. a request in flight when `podman pod stop` sends the image's STOPSIGNAL
#      (SIGQUIT) to the backend pod is answered 200 in full; afterwards nginx answers
#      the chart's 502 page;
#   7. everything is removed, and no process, pod, container or volume is left.
# What this proves and what it does not: docs/kubernetes.md "What make kube-play-check
# proves". Env: RUN_DIR (.run/test-kube), PODMAN_DIR (.run/podman), HELM, IMAGE_TAG.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
helm=${HELM:-.tools/bin/helm}
run=${RUN_DIR:-.run/test-kube}
mkdir -p "$run"
run=$(cd "$run" && pwd)
tag=${IMAGE_TAG:-kube-play}
# shellcheck source=scripts/images/podman.sh
source scripts/images/podman.sh
start_all=$SECONDS

passed=0
pass() { passed=$((passed + 1)); echo "ok $* ($((SECONDS - start_all)) s)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- phase 1 (outside the private namespace: the build may need the apt mirror) ------
if [[ ${1:-} != --play ]]; then
	why=$(podman_ok)
	[[ -z $why ]] || { echo "SKIPPED: kube-play-check: $why"; exit 0; }
	rm -rf "$run"
	mkdir -p "$run/logs"
	# Without a network (make test inside /work/tools/isolated) the build works only
	# from cached layers: say so rather than fail on an unreachable mirror.
	if ! IMAGE_TAG=$tag TEST_IMAGES=1 scripts/images/build.sh >"$run/logs/images.log" 2>&1; then
		cat "$run/logs/images.log" >&2
		if ! getent ahosts "$(scripts/apt-mirror.sh bookworm | sed 's|^[a-z]*://||; s|/.*||')" >/dev/null 2>&1; then
			echo "SKIPPED: kube-play-check: the images cannot be built (no network to the apt mirror and no cached layers): run 'make deps' once with a network (scripts/deps/72-images.sh)"
			exit 0
		fi
		fail "make images failed (log above)"
	fi
	sed -n 's/^make images: //p' "$run/logs/images.log" | grep built || true
	pass "images built: $(cut -d= -f2 "$PODMAN_DIR/images.env" | tr '\n' ' ')+ stand-ins fcgi-users-test/{nginx,curl}:local"
	# The pods get a network namespace of their own with only loopback: they listen on
	# 0.0.0.0 as in the cluster, and that reaches nothing outside.
	exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' bash "$0" --play
fi

# ---- phase 2: inside the private network namespace -----------------------------------
passed=1
mkdir -p "$run/logs"
port=18280 db_port=18281 fe_port=18282 be_port=18283 be_metrics=18284 fe_metrics=18285
base=http://127.0.0.1:$port
stack=$run/stack
play=$run/play
mkdir -p "$play"
declare -a pids=()
cleanup() {
	set +e
	pm pod rm -a -f -t 5 >/dev/null 2>&1
	pm volume rm -a -f >/dev/null 2>&1
	pm secret rm -a >/dev/null 2>&1
	RUN_DIR=$stack scripts/stack.sh db-stop >/dev/null 2>&1
}
trap cleanup EXIT
cleanup # whatever an interrupted run left in this storage
rm -rf "$stack" "$play"
mkdir -p "$play"

# The built images, split for the chart's image.registry/repository/tag.
# shellcheck disable=SC1091
source "$PODMAN_DIR/images.env"
image_set() { # COMPONENT IMAGE -> --set args
	local ref=$2 reg repo
	reg=${ref%%/*} repo=${ref#*/}
	echo "--set $1.image.registry=$reg --set $1.image.repository=${repo%:*} --set $1.image.tag=${repo##*:}"
}

# ---- MariaDB with TLS: the database the chart's settings verify -----------------------
RUN_DIR=$stack DB_TCP_PORT=$db_port DB_TLS=1 scripts/stack.sh db-start >"$run/logs/stack.log" 2>&1 ||
	fail "MariaDB did not start: $(tail -n 5 "$run/logs/stack.log")"
sock=$stack/mysql.sock
sql() { mariadb --no-defaults --socket="$sock" -uroot "$@"; }
db_pass="kube p@ss/%$(openssl rand -hex 6)"
secret_key=$(openssl rand -hex 24)

# ---- the chart, rendered for this run -------------------------------------------------
# shellcheck disable=SC2046 # image_set prints words
"$helm" template t helm/fcgi-users --namespace users \
	$(image_set backend "$BACKEND_IMAGE") $(image_set frontend "$FRONTEND_IMAGE") \
	--set nginx.image.registry=localhost --set nginx.image.repository=fcgi-users-test/nginx --set nginx.image.tag=local \
	--set tests.image.registry=localhost --set tests.image.repository=fcgi-users-test/curl --set tests.image.tag=local \
	--set database.host=localhost --set database.port=$db_port --set database.sslMode=VERIFY_IDENTITY \
	--set database.caCert.existingSecret=kube-play-db-ca --set-string "database.password=$db_pass" \
	--set-string "secretKey.value=$secret_key" \
	--set nginx.containerPorts.http=$port --set frontend.containerPorts.fastcgi=$fe_port \
	--set backend.containerPorts.fastcgi=$be_port \
	--set nginx.upstreams.frontend=127.0.0.1:$fe_port --set nginx.upstreams.backend=127.0.0.1:$be_port \
	--set frontend.backendURL=$base >"$run/rendered.yaml" || fail "helm template"
KUBE_PLAY_METRICS_PORTS="backend=$be_metrics,frontend=$fe_metrics" \
	node tests/helm/kube-play.mjs "$run/rendered.yaml" "$play" >"$run/logs/kube-play.mjs.log" || fail "kube-play.mjs"
uri=$(node tests/helm/pod-spec.mjs "$run/rendered.yaml" Deployment/backend env | sed -n 's/^DATABASE_URI=//p')
[[ $uri =~ ^mysql://([^@:]+)@localhost:$db_port/([^?]+)\?ssl-mode=VERIFY_IDENTITY\&ssl-ca=/ ]] ||
	fail "the backend's DATABASE_URI is '$uri', not VERIFY_IDENTITY to localhost:$db_port with a CA"
db_user=${BASH_REMATCH[1]} db_name=${BASH_REMATCH[2]}
sql <<SQL || fail "cannot create the chart's database and user"
CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '$db_user'@'127.0.0.1' IDENTIFIED BY '$db_pass' REQUIRE SSL;
CREATE USER IF NOT EXISTS '$db_user'@'localhost' IDENTIFIED BY '$db_pass' REQUIRE SSL;
GRANT ALL ON \`$db_name\`.* TO '$db_user'@'127.0.0.1';
GRANT ALL ON \`$db_name\`.* TO '$db_user'@'localhost';
SQL
# The CA Secret an operator creates (values: database.caCert.existingSecret), and the
# chart's own, as podman secrets (kube-play.mjs says why not with kube play).
{
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: kube-play-db-ca\ntype: Opaque\ndata:\n  ca.pem: |\n'
	sed 's/^/    /' "$stack/tls/ca.pem"
} >"$play/secrets/kube-play-db-ca.yaml"
for f in "$play"/secrets/*.yaml; do
	pm secret create "$(basename "$f" .yaml)" "$f" >>"$run/logs/secrets.log" 2>&1 ||
		fail "podman secret create $(basename "$f" .yaml): $(cat "$run/logs/secrets.log")"
done

# ctr POD CONTAINER -> the podman container name kube play gives it.
ctr() { echo "$1-$2"; }
state() { pm inspect --format "{{.State.$2}}" "$1" 2>/dev/null; }

# ---- the migration Job's pod first ---------------------------------------------------
pm kube play --network host "$play/migrate.yaml" >"$run/logs/play-migrate.log" 2>&1 || fail "kube play migrate: $(cat "$run/logs/play-migrate.log")"
mig=$(ctr t-fcgi-users-migrate migrate)
rc=$(timeout 120 podman "${PODMAN_FLAGS[@]}" wait "$mig" 2>/dev/null) || fail "the migration pod did not finish in 120 s"
pm logs "$mig" >"$run/logs/migrate.log" 2>&1 || true
[[ $rc == 0 ]] || fail "the migration pod exited $rc: $(tail -n 5 "$run/logs/migrate.log")"
users=$(sql -N -e "SELECT COUNT(*) FROM \`$db_name\`.users")
[[ $users == 5 ]] || fail "after the migration pod: $users users, want the 5 seeded ones"
pass "the migration Job's pod (args: migrate) exited 0 over TLS (VERIFY_IDENTITY, CA from a Secret): 5 users seeded (the user REQUIRE SSL)"

# ---- nginx, frontend, backend --------------------------------------------------------
for c in nginx frontend backend; do
	pm kube play --network host "$play/$c.yaml" >"$run/logs/play-$c.log" 2>&1 || fail "kube play $c: $(cat "$run/logs/play-$c.log")"
done
code=000
for _ in $(seq 120); do
	code=$(curl -s -o "$run/body" -w '%{http_code}' --max-time 5 "$base/" || true)
	[[ $code == 200 ]] && break
	sleep 0.5
done
[[ $code == 200 ]] || {
	for c in nginx frontend backend; do pm logs "$(ctr "t-fcgi-users-$c" "$c")" 2>&1 | tail -n 5 >&2; done
	fail "GET / through the pods' nginx answered $code after 60 s"
}
grep -q '>Bob<' "$run/body" || fail "GET /: the page does not list Bob"
pass "nginx, frontend and backend pods answer: GET / 200 lists the users (nginx -> frontend -> nginx -> backend -> MariaDB/TLS)"

# Each pool master's /metrics (metrics.enabled): the pods share the host network here,
# so kube-play.mjs gave each its own port.
for pm_port in "backend:$be_metrics" "frontend:$fe_metrics"; do
	pool=${pm_port%%:*}
	curl -s --max-time 5 "http://127.0.0.1:${pm_port#*:}/metrics" >"$run/metrics-$pool" ||
		fail "the $pool pod's /metrics (METRICS_LISTEN) does not answer"
	grep -q "^fcgi_pool_total_processes{.*pool=\"$pool\"" "$run/metrics-$pool" ||
		fail "the $pool pod's /metrics has no fcgi_pool_total_processes for pool $pool: $(head -c 300 "$run/metrics-$pool")"
done
pass "both pool pods serve /metrics (OpenMetrics, fcgi_pool_total_processes per pool)"

# The security contexts as podman applied them, seen in the running containers.
for c in nginx frontend backend; do
	name=$(ctr "t-fcgi-users-$c" "$c")
	want=$(node tests/helm/pod-spec.mjs "$run/rendered.yaml" "Deployment/$c" uid)
	pid=$(state "$name" Pid)
	[[ $pid -gt 0 ]] || fail "$name is not running"
	pids+=("$pid")
	uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
	[[ $uid == "$want" ]] || fail "$name runs as uid $uid, want $want (runAsUser)"
	capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")
	[[ $capeff == 0000000000000000 ]] || fail "$name has capabilities $capeff (drop: ALL)"
	nnp=$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$pid/status")
	[[ $nnp == 1 ]] || fail "$name may gain privileges (allowPrivilegeEscalation: false)"
	[[ $(state "$name" ConmonPid) -gt 0 ]] && pids+=("$(state "$name" ConmonPid)")
	pm exec "$name" touch /usr/.kube-play-check 2>/dev/null && fail "$name: the root filesystem is writable"
	rw=/tmp
	[[ $c == nginx ]] && rw=/tmp/nginx # nginx.runDir, its emptyDir
	pm exec "$name" touch "$rw/.kube-play-check" || fail "$name: $rw (emptyDir) is not writable"
done
pass "security contexts applied: nginx uid 101, pools uid 10001, no capabilities, no-new-privileges, read-only root, only the emptyDirs writable"

# ---- make smoke and the helm test pod's own command ----------------------------------
make --no-print-directory smoke URL="$base" SMOKE_WAIT=30 >"$run/logs/smoke.log" 2>&1 ||
	fail "make smoke URL=$base: $(cat "$run/logs/smoke.log")"
pass "make smoke URL=$base: $(sed -n 's/^smoke: .*: \([0-9]* of [0-9]* checks passed\)/\1/p' "$run/logs/smoke.log")"
# The test pod addresses the nginx Service by name; here nginx is on loopback.
sed -i "s|http://t-fcgi-users-nginx:80|$base|" "$play/test.yaml"
grep -q "$base" "$play/test.yaml" || fail "the helm test pod does not address the nginx Service as expected"
pm kube play --network host "$play/test.yaml" >"$run/logs/play-test.log" 2>&1 || fail "kube play test: $(cat "$run/logs/play-test.log")"
tname=$(ctr t-fcgi-users-test routes)
rc=$(timeout 60 podman "${PODMAN_FLAGS[@]}" wait "$tname" 2>/dev/null) || fail "the helm test pod did not finish in 60 s"
pm logs "$tname" >"$run/logs/helm-test.log" 2>&1 || true
[[ $rc == 0 ]] || fail "the helm test pod exited $rc: $(cat "$run/logs/helm-test.log")"
pass "the helm test pod exited 0: $(grep '^ok' "$run/logs/helm-test.log" | tr '\n' ';')"

# ---- a request in flight while the backend pod stops ---------------------------------
# A root session holds a write lock on users, so GET /backend waits inside a backend
# worker; the pod is stopped (podman sends the image's STOPSIGNAL, SIGQUIT: graceful),
# then the lock goes, and the request must still be answered in full.
be=$(ctr t-fcgi-users-backend backend)
[[ $(pm inspect --format '{{.Config.StopSignal}}' "$be") =~ ^(3|SIGQUIT)$ ]] ||
	fail "the backend container's stop signal is $(pm inspect --format '{{.Config.StopSignal}}' "$be"), not SIGQUIT"
hold=4
sql -e "LOCK TABLES \`$db_name\`.users WRITE; SELECT SLEEP($hold); UNLOCK TABLES;" >/dev/null &
locker=$!
sleep 0.5
curl -s -o "$run/inflight.body" -w '%{http_code}' --max-time 30 "$base/backend" >"$run/inflight.code" &
req=$!
waiting=0
for _ in $(seq 30); do
	waiting=$(sql -N -e "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '$db_user' AND state LIKE '%lock%'")
	((waiting > 0)) && break
	sleep 0.1
done
((waiting > 0)) || fail "GET /backend is not waiting on the lock in the database"
stop_start=$SECONDS
pm pod stop -t 40 t-fcgi-users-backend >"$run/logs/pod-stop.log" 2>&1 &
stopper=$!
wait "$req" || true
wait "$locker" || true
wait "$stopper" || fail "podman pod stop failed: $(cat "$run/logs/pod-stop.log")"
took=$((SECONDS - stop_start))
[[ $(cat "$run/inflight.code") == 200 ]] || fail "the request in flight during pod stop answered $(cat "$run/inflight.code")"
[[ $(head -c 19 "$run/inflight.body") == '[{"userName":"Bob"}' && $(tail -c 2 "$run/inflight.body") == '}]' ]] ||
	fail "the request in flight got a cut answer: $(head -c 100 "$run/inflight.body")"
rc=$(state "$be" ExitCode)
[[ $rc == 0 ]] || fail "the backend exited $rc after pod stop (not a graceful stop)"
pm logs "$be" >"$run/logs/backend.log" 2>&1 || true
grep -q '"graceful stop' "$run/logs/backend.log" || fail "the backend's log does not show a graceful stop (SIGQUIT)"
pass "a request in flight during 'podman pod stop' (SIGQUIT) answered 200 in full; the backend exited 0 after ${took} s"
code=$(curl -s -o "$run/body" -w '%{http_code}' --max-time 10 "$base/backend" || true)
{ [[ $code == 502 ]] && grep -q '"status": *502' "$run/body"; } ||
	fail "with the backend stopped GET /backend answered $code, not the chart's 502 problem+json: $(head -c 200 "$run/body")"
pass "backend stopped: nginx answers the chart's 502 page (error pages mounted beside the config)"

# ---- nothing left --------------------------------------------------------------------
pm pod stop -a -t 30 >>"$run/logs/down.log" 2>&1 || true
pm pod rm -a -f >>"$run/logs/down.log" 2>&1 || fail "podman pod rm: $(tail -n 3 "$run/logs/down.log")"
pm volume rm -a -f >>"$run/logs/down.log" 2>&1 || fail "podman volume rm: $(tail -n 3 "$run/logs/down.log")"
pm secret rm -a >>"$run/logs/down.log" 2>&1 || true
RUN_DIR=$stack scripts/stack.sh db-stop >/dev/null 2>&1 || fail "MariaDB did not stop"
left=$(pm ps -a -q | wc -l)
((left == 0)) || fail "$left containers left"
[[ -z $(pm pod ps -q) && -z $(pm volume ls -q) ]] || fail "pods or volumes left: $(pm pod ps -q) $(pm volume ls -q)"
for p in "${pids[@]}"; do
	[[ -d /proc/$p ]] && fail "process $p of a pod still runs: $(tr '\0' ' ' <"/proc/$p/cmdline")"
done
pass "nothing left: no pod, container, volume or process (${#pids[@]} container and conmon processes gone), MariaDB stopped"
echo "kube-play-check: the chart's pods ran under podman kube play in $((SECONDS - start_all)) s"
# The test runner adds these up.
echo "$(basename "$0"): Checks: $passed, Failures: 0, Errors: 0"
