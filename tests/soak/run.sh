#!/usr/bin/env bash
# make soak: faults under load. Starts a dedicated stack (RUN_DIR .run/test-soak,
# PORT 18092), runs the load client (tests/soak/soak.c) for SOAK_SECONDS while
# injecting faults at known times — kill -9 of a backend worker and of a frontend
# worker, a MariaDB restart, SIGUSR2 (rolling reload) of each pool master, SIGHUP
# (reload) of nginx — and then checks: every write answered 2xx is stored exactly once
# (or gone after its 204 DELETE), no stray rows, ambiguous writes counted; errors only
# inside fault windows and within each fault's bound; each pool back to exactly its
# workers, all children of the same master, no zombies; after stop nothing left.
# The stack is stopped on every exit (trap). Usage: tests/soak/run.sh [BUILD]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:-${BUILD:-build}}
export BUILD RUN_DIR=${RUN_DIR:-.run/test-soak} PORT=${PORT:-18092}
export BACKEND_WORKERS=${BACKEND_WORKERS:-3} FRONTEND_WORKERS=${FRONTEND_WORKERS:-3}
SOAK_SECONDS=${SOAK_SECONDS:-42}
SOAK=$BUILD/tests/soak/soak
case $RUN_DIR in
.run/?*) ;;
*) echo "soak: RUN_DIR must be below .run/ (it is wiped): $RUN_DIR" >&2; exit 2 ;;
esac

say() { printf 'soak: %s\n' "$*"; }
fail() { say "FAILED: $*"; failures=$((failures + 1)); }
failures=0
now_ms() { date +%s%3N; }

# ---- the checker must be able to fail: feed it broken runs first --------------------
selftest() {
	local d rc
	d=$(mktemp -d)
	printf 'kill\t1000\t1100\t1000\t1\t.\ndb\t5000\t5100\t500\t-\t^HTTP 503$\n' >"$d/f"
	# t1 stored, t2 deleted, t3 ambiguous (502), one failed GET inside the window.
	printf 'p-t1\t1\np-t3\t1\n' >"$d/rows"
	printf '%s\n' $'10\t20\t0\tPOST\t/api/v1/users\tp-t1\t201\t-' \
		$'30\t40\t0\tPOST\t/api/v1/users\tp-t2\t201\t-' \
		$'50\t60\t0\tDELETE\t/api/v1/users/2\tp-t2\t204\t-' \
		$'1050\t1060\t0\tPOST\t/api/v1/users\tp-t3\t502\t-' \
		$'5050\t5060\t0\tPOST\t/api/v1/users\tp-t4\t503\t-' \
		$'5060\t5070\t5\tGET\t/\t-\t503\t-' \
		$'3000\t3010\t4\tGET\t/\t-\t200\t-' >"$d/recs"
	if ! awk -f tests/soak/check.awk "$d/f" "$d/rows" "$d/recs" >"$d/out" 2>&1; then
		cat "$d/out"
		fail "check.awk rejects a correct run"
	fi
	local name mutate
	for name in lost-write duplicate phantom resurrected quiet-error over-bound wrong-kind; do
		cp "$d/rows" "$d/rows2"
		cp "$d/recs" "$d/recs2"
		case $name in
		lost-write) printf 'p-t3\t1\n' >"$d/rows2" ;;
		duplicate) printf 'p-t1\t2\np-t3\t1\n' >"$d/rows2" ;;
		phantom) printf 'p-zz\t1\n' >>"$d/rows2" ;;
		resurrected) printf 'p-t2\t1\n' >>"$d/rows2" ;;
		quiet-error) printf '9000\t9010\t4\tGET\t/\t-\t0\tTimeout was reached\n' >>"$d/recs2" ;;
		over-bound) printf '1070\t1080\t4\tGET\t/\t-\t502\t-\n' >>"$d/recs2" ;;
		wrong-kind) printf '5070\t5080\t4\tGET\t/\t-\t502\t-\n' >>"$d/recs2" ;;
		esac
		mutate=$(awk -f tests/soak/check.awk "$d/f" "$d/rows2" "$d/recs2" 2>&1)
		rc=$?
		if [[ $rc == 0 ]]; then
			echo "$mutate"
			fail "check.awk accepts a run with a $name"
		fi
	done
	rm -rf "$d"
	((failures == 0)) && say "checker self-test: a correct run passes, 7 broken runs fail"
}
selftest
((failures == 0)) || exit 1

[[ -x $SOAK ]] || { say "FAILED: $SOAK missing (make soak builds it)"; exit 1; }

# ---- the stack, stopped on every exit; every pid seen is checked gone --------------
scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$RUN_DIR"
declare -A seen=()
remember() { local p; for p in "$@"; do seen[$p]=1; done; }
master() { cat "$RUN_DIR/pids/$1.pid" 2>/dev/null; }
children() { pgrep -P "$1" 2>/dev/null; }
remember_all() {
	local n m
	for n in mariadb backend frontend nginx; do
		m=$(master $n) || continue
		remember "$m"
		# shellcheck disable=SC2046
		remember $(children "$m")
	done
}
# shellcheck disable=SC2317 # the EXIT trap
finish() {
	local rc=$? p left=() zombies=()
	trap - EXIT
	remember_all
	scripts/stack.sh stop >/dev/null 2>&1
	sleep 0.3
	for p in "${!seen[@]}"; do
		[[ -e /proc/$p ]] || continue
		if [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == Z ]]; then
			zombies+=("$p")
		else
			left+=("$p")
		fi
	done
	if ((${#left[@]} + ${#zombies[@]})); then
		say "FAILED: after stop: processes left: ${left[*]:-none}; zombies: ${zombies[*]:-none}"
		ps -o pid,ppid,stat,args -p "$(IFS=,; echo "${left[*]} ${zombies[*]}" | tr ' ' ,)" 2>/dev/null
		rc=1
	else
		say "stack stopped: none of the ${#seen[@]} processes seen is left, no zombies"
	fi
	if ((rc == 0)); then say "PASSED"; else say "FAILED (records and logs in $RUN_DIR)"; fi
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

t_start=$SECONDS
if ! scripts/stack.sh start >"$RUN_DIR.start.log" 2>&1; then
	cat "$RUN_DIR.start.log"
	tail -n 20 "$RUN_DIR"/logs/*.log
	say "FAILED: the soak stack did not start"
	exit 1
fi
set -a
# shellcheck source=/dev/null
. "$RUN_DIR/env"
set +a
NGINX_WORKERS=$(awk '/^worker_processes/ {print $2+0}' "$RUN_DIR/nginx.conf")
declare -A M=() want=([backend]=$BACKEND_WORKERS [frontend]=$FRONTEND_WORKERS [nginx]=$NGINX_WORKERS)
for n in backend frontend nginx; do M[$n]=$(master $n); done
remember_all
say "stack up in $((SECONDS - t_start)) s: backend ${M[backend]} (${BACKEND_WORKERS} workers), frontend ${M[frontend]} (${FRONTEND_WORKERS}), nginx ${M[nginx]} ($NGINX_WORKERS)"

# ---- load and faults ----------------------------------------------------------------
out=$RUN_DIR/soak
mkdir -p "$out"
: >"$out/faults.tsv"
prefix=soak$(printf '%x' $$)
t0=$(now_ms)
"$SOAK" "$BASE_URL" "$SOAK_SECONDS" "$prefix" "$out/records.tsv" >"$out/soak.log" 2>&1 &
soak_pid=$!

# Windows must not overlap, or one fault's errors are counted against another's bound:
# on a loaded machine a fault can end late (finding a busy worker takes seconds), so
# the next one waits for the previous window to close, plus a margin for requests
# still in flight across its edge.
quiet_from=0
at() { # wait until second $1 of the run, and until the previous fault's window closed
	local until=$((t0 + $1 * 1000)) ms
	((quiet_from > until)) && until=$quiet_from
	ms=$((until - $(now_ms)))
	((ms > 0)) && sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	return 0
}
# record name start_ms grace_ms max_errors [allowed_kinds]: the fault ended now.
record() {
	local end
	end=$(now_ms)
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$end" "$3" "$4" "${5:-.}" >>"$out/faults.tsv"
	quiet_from=$((end + $3 + 1500))
}
# A worker in a request (so the kill costs the request it holds: the lost-answer case),
# from the pool's status page; else any worker.
a_worker() { # pool master
	local w="" _
	for _ in $(seq 20); do
		w=$(curl -sS --max-time 2 "$BASE_URL/-/status/$1?json&full" |
			grep -o '{"pid":[0-9]*,"state":"Running"[^}]*}' | grep -v '"/-/' |
			head -n 1 | sed 's/{"pid":\([0-9]*\).*/\1/')
		[[ -n $w ]] && break
		sleep 0.05
	done
	if [[ -n $w ]]; then
		echo "$w in a request"
	else
		echo "$(children "$2" | head -n 1) idle"
	fi
}

# kill -9 of a worker: the request it held fails (at most one per worker it served;
# the frontend's in-flight page of a killed backend worker fails too).
kill_worker() {
	local pool=$1 w s how
	read -r w how < <(a_worker "$pool" "${M[$pool]}")
	[[ -n $w ]] || { fail "no $pool worker to kill"; return; }
	remember "$w"
	s=$(now_ms)
	kill -KILL "$w"
	record "kill -9 $pool worker" "$s" 2000 3
	say "$(date +%T) kill -9 $pool worker $w ($how by the status page)"
}
signal_master() { # pool signal label
	local s
	s=$(now_ms)
	kill "-$2" "${M[$1]}"
	record "$3" "$s" 3000 0
	say "$(date +%T) $3 (pid ${M[$1]})"
}

at 5 && kill_worker backend
at 10 && kill_worker frontend
at 15
s=$(now_ms)
scripts/stack.sh db-stop >>"$out/faults.log" 2>&1 || fail "db-stop failed"
sleep 2
scripts/stack.sh db-start >>"$out/faults.log" 2>&1 || fail "db-start failed"
remember "$(master mariadb)"
# While MariaDB is down every write and every read needing it fails (503, the
# backend's honest answer; the page shows the same): the bound is the outage, and
# 3 s after MariaDB answers again all must be well.
record "MariaDB restart" "$s" 3000 - '^HTTP 503$'
say "$(date +%T) MariaDB restarted (down for $((($(now_ms) - s) / 1000)) s)"
at 25 && signal_master backend USR2 "SIGUSR2 backend master"
at 30 && signal_master frontend USR2 "SIGUSR2 frontend master"
at 35 && signal_master nginx HUP "SIGHUP nginx master"
remember_all
wait "$soak_pid" || fail "the load client failed ($(cat "$out/soak.log"))"
cat "$out/soak.log"

# ---- processes: each pool whole again, same master, no zombie ------------------------
settled() {
	local n kids k exe
	for n in backend frontend nginx; do
		kill -0 "${M[$n]}" 2>/dev/null || return 1
		kids=$(children "${M[$n]}" | wc -l)
		((kids == want[$n])) || return 1
		for k in $(children "${M[$n]}"); do
			[[ $(awk '{print $3}' "/proc/$k/stat" 2>/dev/null) != Z ]] || return 1
		done
	done
	return 0
}
for _ in $(seq 150); do settled && break; sleep 0.1; done
remember_all
for n in backend frontend nginx; do
	if ! kill -0 "${M[$n]}" 2>/dev/null || [[ $(master $n) != "${M[$n]}" ]]; then
		fail "$n master ${M[$n]} is gone or replaced"
		continue
	fi
	kids=$(children "${M[$n]}" | tr '\n' ' ')
	nk=$(wc -w <<<"$kids")
	zs=$(ps -o pid=,stat= --ppid "${M[$n]}" | awk '$2 ~ /^Z/ {print $1}' | tr '\n' ' ')
	exe=$(readlink "/proc/${M[$n]}/exe")
	bad_exe=0
	for k in $kids; do [[ $(readlink "/proc/$k/exe") == "$exe" ]] || bad_exe=1; done
	if ((nk != want[$n])) || [[ -n $zs ]] || ((bad_exe)); then
		fail "$n: $nk children (want ${want[$n]}), zombies: ${zs:-none}, foreign exe: $bad_exe"
	else
		say "$n: master ${M[$n]} kept, exactly $nk workers ($kids), no zombies"
	fi
done
for n in backend frontend; do
	total=$(curl -fsS --max-time 5 "$BASE_URL/-/status/$n?json" |
		sed -n 's/.*"total processes":\([0-9]*\).*/\1/p')
	if [[ $total != "${want[$n]}" ]]; then
		fail "$n status page says total processes ${total:-?}, want ${want[$n]}"
	fi
done

# ---- the database against what was written ------------------------------------------
sql() {
	MYSQL_PWD=$DB_PASS mariadb --no-defaults --socket="$MYSQL_SOCKET" -u"$DB_USER" \
		-N -B "$DB_NAME" -e "$1"
}
if ! sql "SELECT userName, COUNT(*) FROM users WHERE userName LIKE '$prefix-%' GROUP BY userName" \
	>"$out/rows.tsv"; then
	fail "cannot read the database"
fi
counter=$(sql "SELECT (SELECT users FROM user_count WHERE id = 1) = (SELECT COUNT(*) FROM users)")
[[ $counter == 1 ]] || fail "user_count disagrees with COUNT(*) of users"
awk -f tests/soak/check.awk "$out/faults.tsv" "$out/rows.tsv" "$out/records.tsv" |
	tee "$out/check.txt"
[[ ${PIPESTATUS[0]} == 0 ]] || fail "the check above"
((failures == 0)) || exit 1
exit 0
