#!/usr/bin/env bash
# nginx-check.sh: the nginx configuration exactly as the chart renders it must pass
# `nginx -t` and route requests like the local stack. The chart is rendered with its
# upstreams pointed at two local stand-in pools (tests/helm/fcgi-stub.mjs on unix
# sockets, each answering with its own name) and its paths (run dir, static root)
# under RUN_DIR; the ConfigMap is extracted as the pod would mount it. Two lines are
# rewritten for a local run, each asserted to match once: the listen address (the
# pod's 0.0.0.0 becomes 127.0.0.1) and the error pages directory (the pod's mount
# path). Then nginx serves on 127.0.0.1:PORT and each route is checked.
# Env: HELM (helm binary), RUN_DIR (.run/test-helm), PORT (18098).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
helm=${HELM:-.tools/bin/helm}
run=${RUN_DIR:-.run/test-helm}
port=${PORT:-18098}
mkdir -p "$run"
run=$(cd "$run" && pwd)/nginx
rm -rf "$run"
mkdir -p "$run/run/nginx-temp"

pids=()
cleanup() {
	if [[ -f $run/run/nginx.pid ]]; then
		kill -QUIT "$(cat "$run/run/nginx.pid")" 2>/dev/null || true
		for _ in $(seq 50); do [[ -f $run/run/nginx.pid ]] || break; sleep 0.1; done
	fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

passed=0
pass() { passed=$((passed + 1)); echo "ok $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# nginx runs as in its pod (tests/helm/as-pod.sh): as the chart's runAsUser on a
# read-only root filesystem, RUN_DIR writable. Without that (not root), as root with
# "user root" so that its workers reach the sockets.
# shellcheck source=tests/helm/as-pod.sh
source tests/helm/as-pod.sh
user_opt=()
if [[ $as_pod_ok != yes ]]; then
	echo "SKIPPED: nginx as its pod's user on a read-only root: needs root and unshare --mount"
	[[ $(id -u) == 0 ]] && user_opt=(-g "user root;")
fi
uid=0
podlike() { # CMD...: as the nginx pod runs it (uid is set once the chart is rendered)
	if [[ $as_pod_ok == yes ]]; then (as_pod "$uid" "$run" "$@"); else "$@"; fi
}

# render_local NAME [helm args...]: render, extract, localise, nginx -t.
render_local() {
	local name=$1 dir=$run/$1
	shift
	mkdir -p "$dir"
	"$helm" template t helm/fcgi-users -f tests/helm/secrets-values.yaml "$@" \
		--set "nginx.upstreams.frontend=unix:$run/frontend.sock" \
		--set "nginx.upstreams.backend=unix:$run/backend.sock" \
		--set "nginx.runDir=$run/run" \
		--set "nginx.staticRoot=$repo/fcgi-frontend/static" \
		--set "nginx.containerPorts.http=$port" >"$dir/rendered.yaml"
	node tests/helm/extract-nginx.mjs "$dir/rendered.yaml" "$dir/conf" >/dev/null
	local conf=$dir/conf/nginx.conf n
	n=$(grep -c "listen 0.0.0.0:$port default_server;" "$conf" || true)
	[[ $n == 1 ]] || fail "$name: expected one 'listen 0.0.0.0:$port' line, found $n"
	n=$(grep -c 'default "/etc/nginx/fcgi-users-errors";' "$conf" || true)
	[[ $n == 1 ]] || fail "$name: expected one errors root line, found $n"
	sed -i "s|listen 0.0.0.0:$port |listen 127.0.0.1:$port |; s|\"/etc/nginx/fcgi-users-errors\"|\"$dir/conf/errors\"|" "$conf"
	if [[ $uid == 0 ]]; then
		uid=$(node tests/helm/pod-spec.mjs "$dir/rendered.yaml" Deployment/nginx uid)
		[[ $uid != 0 ]] || fail "the nginx pod runs as root"
		if [[ $as_pod_ok == yes ]]; then
			chown -R "$uid" "$run"
			why=$(as_pod_selftest "$uid" "$run") || fail "$why"
		fi
	fi
	# nginx reopens /dev/stdout and /dev/stderr: in the pod they are pipes the runtime
	# hands to the pod's user (runc chowns them), here files that must belong to it.
	: >"$run/nginx-t.log" && chown "$uid" "$run/nginx-t.log"
	chown -R "$uid" "$dir" "$run/run"
	if ! podlike nginx -t -q -e stderr "${user_opt[@]}" -c "$conf" >"$run/nginx-t.log" 2>&1; then
		cat "$run/nginx-t.log" >&2
		fail "$name: nginx -t rejects the chart's configuration"
	fi
	pass "nginx -t: $name"
}

render_local default
render_local production -f helm/fcgi-users/values-production.yaml
render_local options --set nginx.microCache=true --set nginx.rateLimit=10r/s --set nginx.connLimit=off \
	--set 'nginx.realIpFrom={10.0.0.0/8}' --set nginx.logFormat=text --set nginx.upstreamKeepalive=0 \
	--set metrics.nginxExporter.enabled=true
render_local sso --set auth.sso.enabled=true --set auth.sso.url=http://127.0.0.1:4180 \
	--set auth.sso.userHeader=X-Auth-Request-User --set nginx.signInRate=20r/m

# The chart's nginx.conf says what `nginx/render.sh chart` says with the same settings
# (nginx/README.md: "the chart's nginx.conf is render.sh chart with values in place of
# options"): both with includes expanded, comments and layout dropped, must be equal.
normalise() { # FILE DIR: expand "include NAME;" from DIR, drop comments, blank lines, indentation
	local line
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%%#*}
		if [[ $line =~ ^[[:space:]]*include[[:space:]]+([A-Za-z0-9._-]+)\;[[:space:]]*$ && -f $2/${BASH_REMATCH[1]} ]]; then
			normalise "$2/${BASH_REMATCH[1]}" "$2"
		else
			printf '%s\n' "$line"
		fi
	done <"$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s/[[:space:]][[:space:]]*/ /g' | grep -v '^$'
}
same_as_render() { # NAME render.sh-options...
	local name=$1 dir=$run/$1
	shift
	nginx/render.sh chart --listen "127.0.0.1:$port" --backend "unix:$run/backend.sock" \
		--frontend "unix:$run/frontend.sock" --static-root "$repo/fcgi-frontend/static" \
		--errors-root "$dir/conf/errors" --prefix "$run/run" --nginx-workers 2 \
		--backend-workers 4 --frontend-workers 4 \
		--status-allow 127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 "$@" >"$dir/render.sh.conf"
	if ! diff <(normalise "$dir/conf/nginx.conf" "$dir/conf") <(normalise "$dir/render.sh.conf" nginx) >"$dir/render.diff"; then
		cat "$dir/render.diff" >&2
		fail "$name: the chart's nginx.conf differs from nginx/render.sh chart (< chart, > render.sh)"
	fi
	pass "$name: the chart's nginx.conf = nginx/render.sh chart with the same settings"
}
same_as_render default --log-format json
same_as_render options --log-format text --micro-cache --rate-limit 10r/s --conn-limit off --real-ip-from 10.0.0.0/8 --keepalive 0 \
	--stub-status 127.0.0.1:8081
same_as_render sso --log-format json --sso-url http://127.0.0.1:4180 \
	--sso-user-header X-Auth-Request-User --sign-in-rate 20r/m

# Serve the default render with the stand-in pools.
node tests/helm/fcgi-stub.mjs frontend "unix:$run/frontend.sock" >"$run/frontend.log" 2>&1 &
pids+=($!)
node tests/helm/fcgi-stub.mjs backend "unix:$run/backend.sock" >"$run/backend.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S $run/frontend.sock && -S $run/backend.sock ]] && break; sleep 0.1; done
[[ -S $run/frontend.sock && -S $run/backend.sock ]] || fail "stand-in pools did not start"
: >"$run/nginx-access.log" && chown "$uid" "$run/nginx-access.log"
podlike nginx -e "$run/nginx-error.log" "${user_opt[@]}" -c "$run/default/conf/nginx.conf" >"$run/nginx-access.log" 2>&1
[[ -s $run/run/nginx.pid ]] || fail "nginx did not start: $(tail -n 3 "$run/nginx-error.log")"
master=$(cat "$run/run/nginx.pid")
[[ $(stat -c %u "/proc/$master") == "$uid" ]] || fail "nginx runs as $(stat -c %u "/proc/$master"), not the pod's $uid"
pass "nginx serves as its pod's user $uid (read-only root filesystem: $as_pod_ok)"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/static/style.css" && break; sleep 0.1; done

base=http://127.0.0.1:$port
# expect PATH STATUS BODY-SUBSTRING [curl args...]
expect() {
	local path=$1 status=$2 want=$3 got body
	shift 3
	body=$(curl -sS -o - -w '\n%{http_code}' "$@" "$base$path") || fail "GET $path: no answer"
	got=${body##*$'\n'}
	body=${body%$'\n'*}
	[[ $got == "$status" ]] || fail "GET $path: status $got, want $status ($(head -c 200 <<<"$body"))"
	[[ $body == *"$want"* ]] || fail "GET $path: body lacks '$want': $(head -c 200 <<<"$body")"
	pass "GET $path -> $status $want"
}
expect / 200 "pool=frontend uri=/ "
expect /backend 200 "pool=backend uri=/backend "
expect /api/v1/users 200 "pool=backend uri=/api/v1/users "
expect /users/new 200 "pool=frontend uri=/users/new "
expect /-/status/backend 200 "pool=backend uri=/-/status/backend "
expect /-/status/frontend 200 "pool=frontend uri=/-/status/frontend "
expect /-/ping 200 "pool=frontend uri=/-/ping "
expect /-/status/backend 403 "" -H "X-Forwarded-For: 203.0.113.9"
expect /-/other 404 ""
curl -sS -o "$run/style.css" "$base/static/style.css" || fail "GET /static/style.css: no answer"
cmp -s "$run/style.css" fcgi-frontend/static/style.css || fail "GET /static/style.css: not fcgi-frontend/static/style.css"
pass "GET /static/style.css -> the file"
headers=$(curl -sS -D - -o /dev/null "$base/")
grep -qi '^X-Content-Type-Options: nosniff' <<<"$headers" || fail "GET /: no X-Content-Type-Options header"
grep -qi '^Content-Security-Policy: ' <<<"$headers" || fail "GET /: no Content-Security-Policy header"
pass "security headers on /"
# A stopped pool: nginx answers its own 502 page, and the other pool still serves.
kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
rm -f "$run/backend.sock"
expect /backend 502 '"status"'
expect / 200 "pool=frontend"
echo "nginx-check: the chart's nginx configuration passes nginx -t (4 value sets) and routes like the local stack"
# The test runner adds these up.
echo "$(basename "$0"): Checks: $passed, Failures: 0, Errors: 0"
