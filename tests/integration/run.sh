#!/usr/bin/env bash
# make integration: start ONE test stack (RUN_DIR, default .run/test, on PORT, default
# 18090) from a fresh database, run every test executable given, and stop the stack
# again even when a test fails or the run is interrupted. With LOG_FORMAT=json (what
# make integration sets) every line the pools and nginx wrote meanwhile must parse
# with jq: the suites send invalid UTF-8, quotes, control bytes and headers over 4 KB.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
export RUN_DIR=${RUN_DIR:-.run/test} PORT=${PORT:-18090}
# The tests sign in through the form dozens of times a second from 127.0.0.1: even
# 600r/m (burst 5) answered 429 to test_pages on a quiet machine, so nginx's
# per-address sign-in limit is off here; make nginx-routes proves the default limit,
# and the backend's own per-name back-off stays on (test_auth checks it).
export NGINX_SIGN_IN_RATE=${NGINX_SIGN_IN_RATE:-off}

case $RUN_DIR in
.run/?*) ;;
*)
	echo "integration: RUN_DIR must be below .run/ (it is wiped): $RUN_DIR" >&2
	exit 2
	;;
esac

scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$RUN_DIR" # a fresh database: tests see the seed users as the old system left them

# Stop the stack, then check that nothing it ran is left: the recorded processes and
# their children (pool workers, nginx workers).
# shellcheck disable=SC2317 # called from the EXIT trap
stop_and_check() {
	local pids=() p
	for f in "$RUN_DIR"/pids/*.pid; do
		[[ -f $f ]] || continue
		p=$(<"$f")
		pids+=("$p")
		mapfile -t -O "${#pids[@]}" pids < <(pgrep -P "$p" || true)
	done
	scripts/stack.sh stop
	local left=()
	for p in "${pids[@]}"; do
		kill -0 "$p" 2>/dev/null && left+=("$p")
	done
	if ((${#left[@]})); then
		echo "integration: processes left after stop: ${left[*]}" >&2
		return 1
	fi
	echo "integration: stack stopped, no process left (${#pids[@]} checked)"
}
trap 'stop_and_check || exit 1' EXIT
trap 'exit 130' INT TERM
if ! scripts/stack.sh start; then
	echo "integration: the test stack did not start; its logs:" >&2
	tail -n 20 "$RUN_DIR"/logs/*.log >&2
	exit 1
fi
set -a
# shellcheck source=/dev/null
. "$RUN_DIR/env"
set +a
# Writes need an editor: one API token for the whole run (harness.h h_set_token).
if ! INTEGRATION_TOKEN=$(scripts/stack.sh token "integration-$$"); then
	echo "integration: could not create the run's API token" >&2
	exit 1
fi
export INTEGRATION_TOKEN

rc=0
# Scheduling (scripts/stack.sh, SCHED_POLICY's default): nginx's master and workers run
# under SCHED_BATCH, as the pools' workers do; MariaDB, the managed database's stand-in,
# keeps the system's policy.
nginx_pid=$(<"$RUN_DIR/pids/nginx.pid")
policies=$(for p in "$nginx_pid" $(ps --ppid "$nginx_pid" -o pid=); do chrt -p "$p" | grep policy; done)
db_policy=$(chrt -p "$(<"$RUN_DIR/pids/mariadb.pid")" | grep policy)
if [[ ${SCHED_POLICY:-batch} != batch || ${NGINX_SCHED_POLICY:-batch} != batch ]]; then
	echo "integration: SCHEDULING CHECK SKIPPED: SCHED_POLICY/NGINX_SCHED_POLICY set to something other than batch"
elif (($(grep -c 'SCHED_BATCH' <<<"$policies") < 2)) || grep -qv 'SCHED_BATCH' <<<"$policies" ||
	[[ $db_policy != *SCHED_OTHER ]]; then
	echo "integration: nginx should run under SCHED_BATCH and MariaDB under SCHED_OTHER: $policies / $db_policy" >&2
	rc=1
else
	echo "integration: nginx's master and $(($(wc -l <<<"$policies") - 1)) workers under SCHED_BATCH, MariaDB under SCHED_OTHER"
fi
for t in "$@"; do
	echo "-- $t"
	CK_DEFAULT_TIMEOUT=120 "$t" || rc=1
done

# Every JSON log line parses: the pools' logs and nginx's access log. jq reads each
# line (one jq for the file, so a bad line cannot hide the ones after it); jq accepts
# invalid UTF-8 silently, and JSON must be UTF-8 (RFC 8259), so grep checks that too.
if [[ ${LOG_FORMAT:-} == json ]]; then
	lines=0 bad=0
	for f in "$RUN_DIR/logs/backend.log" "$RUN_DIR/logs/frontend.log" "$RUN_DIR/nginx/logs/nginx-access.log"; do
		[[ -s $f ]] || { echo "integration: no log lines in $f" >&2; rc=1; continue; }
		lines=$((lines + $(wc -l <"$f")))
		# shellcheck disable=SC2016 # jq, not shell
		mapfile -t wrong < <(
			jq -nrR 'foreach inputs as $l (0; . + 1; . as $n | $l |
				try (fromjson | if type == "object" then empty else "\($n): not an object" end)
				catch "\($n): \($l[0:300])")' "$f"
			LC_ALL=C.UTF-8 grep -naxv '.*' "$f" | cut -c1-300 | sed 's/^/invalid UTF-8 at line /'
		)
		for w in "${wrong[@]:0:5}"; do echo "integration: $(basename "$f"): $w" >&2; done
		bad=$((bad + ${#wrong[@]}))
	done
	if ((bad)); then
		echo "integration: $bad problems in $lines JSON log lines" >&2
		rc=1
	else
		echo "integration: all $lines JSON log lines (pools and nginx) parse with jq and are UTF-8"
	fi
fi
exit $rc
