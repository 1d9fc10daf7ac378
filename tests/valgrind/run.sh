#!/usr/bin/env bash
# make valgrind: both pools under memcheck for one integration pass. Starts a stack
# (RUN_DIR .run/test-valgrind, PORT 18093), replaces its backend and frontend pools by
# the same binaries, with the same environment (plus RELOAD_EXEC=0, see the reload
# below), under valgrind (--trace-children=yes: anything a pool execs is checked too;
# --leak-check=full with definite leaks counted as errors), runs the API and pages
# integration tests and the hostile-HTTP suite through nginx, reloads both pools (SIGUSR2), stops them with
# SIGQUIT (graceful: every process exits normally and reports), and checks every
# valgrind log (master and each worker): "ERROR SUMMARY: 0 errors" and no definitely
# lost bytes. Still-reachable blocks (libmariadb, libcurl, OpenSSL globals) are
# allowed. Suppressions, if ever needed, go in tests/valgrind/libs.supp, only for
# reports proven to be in a library, each with why (none are needed today).
# Everything is stopped on exit (trap).
# Usage: tests/valgrind/run.sh [BUILD]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${1:-${BUILD:-build}}
export BUILD RUN_DIR=${RUN_DIR:-.run/test-valgrind} PORT=${PORT:-18093}
# The pages suite signs in through the form several times a minute (see integration).
export NGINX_SIGN_IN_RATE=${NGINX_SIGN_IN_RATE:-600r/m}
case $RUN_DIR in
.run/?*) ;;
*) echo "valgrind: RUN_DIR must be below .run/ (it is wiped): $RUN_DIR" >&2; exit 2 ;;
esac
say() { printf 'valgrind: %s\n' "$*"; }
if ! command -v valgrind >/dev/null; then
	echo "SKIPPED: valgrind is not installed (make deps installs it)"
	exit 0
fi
BACKEND_BIN=$ROOT/$BUILD/fcgi-backend
FRONTEND_BIN=$ROOT/$BUILD/fcgi-frontend
TESTS=("$BUILD/tests/integration/test_api_users" "$BUILD/tests/integration/test_pages"
	"$BUILD/tests/integration/test_hostile")
for f in "$BACKEND_BIN" "$FRONTEND_BIN" "${TESTS[@]}"; do
	[[ -x $f ]] || { say "FAILED: $f missing (make valgrind builds it)"; exit 1; }
done

scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
VG=$RUN_DIR/valgrind
declare -A vpid=()

# Stop the valgrind pools (graceful, then hard), then the stack; nothing may be left.
# shellcheck disable=SC2317 # the EXIT trap
finish() {
	local rc=$? n p
	trap - EXIT
	for n in "${!vpid[@]}"; do
		p=${vpid[$n]}
		kill -0 "$p" 2>/dev/null || continue
		kill -TERM "$p" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	scripts/stack.sh stop >/dev/null 2>&1
	# Workers of a pool stopped the hard way leave with their master (PDEATHSIG).
	sleep 0.5
	left=$(pgrep -f "$VG/" || true)
	if [[ -n $left ]]; then
		say "FAILED: valgrind processes left: $left"
		rc=1
	fi
	if ((rc == 0)); then say "PASSED"; else say "FAILED (logs in $VG/ and $RUN_DIR/logs/)"; fi
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

t_start=$SECONDS
if ! scripts/stack.sh start >"$RUN_DIR/start.log" 2>&1; then
	cat "$RUN_DIR/start.log"
	say "FAILED: the stack did not start"
	exit 1
fi
set -a
# shellcheck source=/dev/null
. "$RUN_DIR/env"
set +a
# The integration suites write as an editor: the run's API token (harness.h).
INTEGRATION_TOKEN=$(scripts/stack.sh token "valgrind-$$") || { say "FAILED: no API token"; exit 1; }
export INTEGRATION_TOKEN

# Stop a pool the stack started (by its pid file and binary), gracefully.
stop_pool() {
	local name=$1 exe=$2 p
	p=$(cat "$RUN_DIR/pids/$name.pid")
	[[ $(readlink "/proc/$p/exe") == "$exe" ]] || { say "FAILED: $name pid $p is not $exe"; exit 1; }
	kill -QUIT "$p"
	for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$p" 2>/dev/null || { say "FAILED: $name did not stop"; exit 1; }
	rm -f "$RUN_DIR/pids/$name.pid"
}

mkdir -p "$VG"
supp=()
[[ -s tests/valgrind/libs.supp ]] && supp=(--suppressions="$ROOT/tests/valgrind/libs.supp")
VALGRIND=(valgrind --tool=memcheck --trace-children=yes --leak-check=full
	"--show-leak-kinds=definite,indirect,possible" --errors-for-leak-kinds=definite
	--error-exitcode=99 --track-fds=no --num-callers=30 "${supp[@]}")

# check_logs dir: one line per valgrind log (one process: the master, or a child: worker or an exec'd
# program); returns 1 unless every log has "ERROR SUMMARY: 0 errors" and no bytes
# definitely lost. Sets nlogs.
check_logs() {
	local dir=$1 bad=0 log base name pid ppid role errs def ind reach
	nlogs=0
	printf '%-9s %-7s %-8s %7s %12s %12s %14s\n' pool role pid errors "def. lost" "ind. lost" "still reach."
	for log in "$dir"/*.log; do
		[[ -f $log ]] || continue
		nlogs=$((nlogs + 1))
		base=${log##*/}
		name=${base%%.*}
		pid=${base#*.}
		pid=${pid%.log}
		ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\).*/\1/p' "$log" | head -n 1)
		role=child
		[[ -f $dir/$name.$ppid.log ]] || role=master
		errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tail -n 1 | tr -d ,)
		def=$(lost "definitely lost" "$log") ind=$(lost "indirectly lost" "$log")
		reach=$(lost "still reachable" "$log")
		printf '%-9s %-7s %-8s %7s %12s %12s %14s\n' "$name" "$role" "$pid" "${errs:-?}" \
			"${def:-0}" "${ind:-0}" "${reach:-0}"
		if [[ -z $errs ]]; then
			say "$log has no ERROR SUMMARY (the process did not exit normally)"
			bad=1
		elif ((errs != 0 || ${def:-0} != 0)); then
			say "$log: $errs errors, ${def:-0} bytes definitely lost:"
			grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|[0-9,]+ bytes in)' \
				-A12 "$log" | head -n 60
			bad=1
		fi
	done
	return $bad
}
lost() { sed -n "s/.*$1: \([0-9,]*\) bytes.*/\1/p" "$2" | tail -n 1 | tr -d ,; }

# Self-test: the same options and check must fail on a leak and on an invalid read.
selftest() {
	local d=$RUN_DIR/selftest arg
	for arg in "" leak-only; do
		rm -rf "$d" && mkdir -p "$d"
		"${VALGRIND[@]}" --log-file="$d/leaky.%p.log" "$BUILD/tests/valgrind/leaky" $arg >/dev/null 2>&1
		[[ $? == 99 ]] || { say "FAILED: self-test: valgrind did not exit 99 on leaky $arg"; return 1; }
		if check_logs "$d" >/dev/null 2>&1; then
			say "FAILED: self-test: the log check passes leaky $arg"
			return 1
		fi
	done
	rm -rf "$d"
	say "self-test: a leak and an invalid read are caught (exit 99, log check fails)"
}
selftest || exit 1

# start_pool name socket env… -- binary: as scripts/stack.sh starts it, under valgrind.
start_pool() {
	local name=$1 sock=$2
	shift 2
	rm -f "$sock"
	env "$@" "${VALGRIND[@]}" --log-file="$VG/$name.%p.log" "$(eval echo "\$${name^^}_BIN")" \
		>>"$RUN_DIR/logs/$name-valgrind.log" 2>&1 </dev/null &
	vpid[$name]=$!
	for _ in $(seq 600); do [[ -S $sock ]] && return 0; sleep 0.1; done
	say "FAILED: the $name pool under valgrind did not listen within 60 s"
	exit 1
}
stop_pool frontend "$FRONTEND_BIN"
stop_pool backend "$BACKEND_BIN"
start_pool backend "$BACKEND_SOCKET" DATABASE_URI="$DATABASE_URI" \
	LISTEN="unix:$BACKEND_SOCKET" WORKERS=2 RELOAD_EXEC=0
# A sign-in hashes with argon2id (19 MiB, 2 passes): seconds under memcheck, so the
# frontend waits longer for the backend than its 5 s default.
start_pool frontend "$FRONTEND_SOCKET" BACKEND_URL="$BASE_URL" BACKEND_TIMEOUT_MS=40000 \
	SECRET_KEY_FILE="$RUN_DIR/secret_key" LISTEN="unix:$FRONTEND_SOCKET" WORKERS=2 RELOAD_EXEC=0
for _ in $(seq 600); do
	curl -fsS -o /dev/null --max-time 5 "$BASE_URL/" 2>/dev/null && break
	sleep 0.2
done
say "pools under valgrind: backend ${vpid[backend]}, frontend ${vpid[frontend]} ($((SECONDS - t_start)) s)"

rc=0
export CK_TIMEOUT_MULTIPLIER=4 CK_DEFAULT_TIMEOUT=120
echo "-- ${TESTS[0]}"
"${TESTS[0]}" || rc=1
# The pages suite's "backend_down" case stops the backend by its pid file and starts
# the stack's own: it would replace the pool under test; the integration step runs it.
echo "-- ${TESTS[1]} (case \"pages\")"
CK_RUN_CASE=pages "${TESTS[1]}" || rc=1
# Hostile requests (through nginx and straight to the backend over FastCGI): the
# inputs most likely to find a memory error.
echo "-- ${TESTS[2]}"
"${TESTS[2]}" || rc=1
((rc == 0)) || say "FAILED: integration tests failed against the pools under valgrind"

# A rolling reload under valgrind: SIGUSR2 starts new workers, the old ones finish and
# report. The pools run with RELOAD_EXEC=0 here: with re-exec, the master first runs
# the program on disk in check mode and kills it after 5 s, which memcheck on a busy
# 2-core machine sometimes exceeds (a killed process leaves no report to check).
for n in backend frontend; do
	old=$(pgrep -P "${vpid[$n]}" | sort | tr '\n' ' ')
	kill -USR2 "${vpid[$n]}"
	for _ in $(seq 600); do
		now=$(pgrep -P "${vpid[$n]}" | sort | tr '\n' ' ')
		[[ $(wc -w <<<"$now") == 2 && -z $(comm -12 <(tr ' ' '\n' <<<"$old" | sed '/^$/d') \
			<(tr ' ' '\n' <<<"$now" | sed '/^$/d')) ]] && break
		sleep 0.2
	done
	say "SIGUSR2 $n: workers $old-> $now"
done
for path in / /api/v1/users; do
	st=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 30 "$BASE_URL$path")
	[[ $st == 200 ]] || { say "FAILED: GET $path after the reloads answered $st"; rc=1; }
done
for n in backend frontend; do
	say "$n pool: $(curl -sS --max-time 30 "$BASE_URL/-/status/$n?json" |
		grep -o '"accepted conn":[0-9]*')"
done

# Graceful stop: every process leaves through exit(), so valgrind reports each.
for n in frontend backend; do
	kill -QUIT "${vpid[$n]}"
done
for n in frontend backend; do
	wait "${vpid[$n]}"
	st=$?
	unset "vpid[$n]"
	if ((st != 0)); then
		say "FAILED: the $n master under valgrind exited with $st (99: valgrind found errors)"
		rc=1
	fi
done

echo
check_logs "$VG" || { say "FAILED: valgrind found errors or leaks (above)"; rc=1; }
if ((nlogs < 6)); then
	say "FAILED: $nlogs valgrind logs; want at least 6 (2 masters, 4 workers)"
	rc=1
fi
say "$nlogs processes checked in $((SECONDS - t_start)) s"
exit "$rc"
