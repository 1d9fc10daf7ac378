#!/usr/bin/env bash
# run.sh: `make bench`. Starts the project's local stack and, beside it, the ceiling and
# the peers (bench/peers.sh), checks that they all answer the same bytes, then measures
# every target on every stack back to back in one run (so the ratios hold on a noisy
# machine) with wrk at each client count, ROUNDS times with the stacks' order rotated
# (the report takes the median): requests/s, p50/p99/max latency, non-2xx, socket
# errors, and the workers' PSS. Then the nginx upstream keep-alive row, the scaling run
# (5, 10,000 and 1,000,000 users), at the largest size GET /backend's time and each
# stack's backend worker peak RSS, and a deep keyset page against a deep offset, and,
# in a full run, a perf profile of the page. No response cache in any stack: our
# nginx micro-cache is off (NGINX_MICRO_CACHE=0), the peers have none.
# bench/report.py turns the results into bench/report.md (git-ignored).
#
# Settings (environment): QUICK=1 (short runs), DURATION, WARMUP (seconds per run),
#   ROUNDS (3; QUICK 1), CLIENTS ("32 64"), THREADS (wrk threads, 2), WORKERS (workers
#   per pool, every stack), SETTLE_IDLE and SETTLE_MAX (idle % and seconds to wait
#   for before each measurement: 85, 30), SCALE ("5 10000 1000000"), PROFILE (1 in a
#   full run: perf),
#   BENCH_RUN_DIR (.run/bench), BENCH_PORT (18500: ours; +10, +11 ceiling, +20 PHP,
#   +30 Flask).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
	DURATION=${DURATION:-3} WARMUP=${WARMUP:-1} SCALE=${SCALE:-5 10000} PROFILE=${PROFILE:-0}
	ROUNDS=${ROUNDS:-1}
else
	DURATION=${DURATION:-8} WARMUP=${WARMUP:-2} SCALE=${SCALE:-5 10000 1000000}
	PROFILE=${PROFILE:-1} ROUNDS=${ROUNDS:-3}
fi
CLIENTS=${CLIENTS:-32 64}
THREADS=${THREADS:-2}
SETTLE_IDLE=${SETTLE_IDLE:-85} SETTLE_MAX=${SETTLE_MAX:-30}
WORKERS=${WORKERS:-4}
NGINX_WORKERS=${NGINX_WORKERS:-2}
export RUN_DIR=${BENCH_RUN_DIR:-.run/bench}
export PORT=${BENCH_PORT:-18500}
export PEERS_RUN=$RUN_DIR/peers
export PORT_STATIC=$((PORT + 10)) PORT_FCGI=$((PORT + 11)) PORT_PHP=$((PORT + 20))
export PORT_FLASK=$((PORT + 30))
export PEERS_WORKERS=$WORKERS NGINX_WORKERS
export CEILING_BIN=$root/build/bench/fcgi_static
# Speed without caching answers: the project's nginx micro-cache stays off.
export NGINX_MICRO_CACHE=0
# wrk is one client address with CLIENTS connections: nginx's per-address connection
# limit (a guard against one client holding every worker, 32 by default) would answer
# most of the 64-client runs with 429, and the peers have no such limit.
export NGINX_CONN_LIMIT=off
# Scheduling: our pool workers choose SCHED_BATCH themselves, as shipped (SCHED_POLICY,
# default batch). nginx, ours and the peers', runs under the system's default policy
# (NGINX_SCHED_POLICY=inherit), as does the MariaDB all stacks share: SCHED_BATCH on
# those helps every stack (Flask's /backend +35% with both, by hand; docs/benchmarks.md),
# and what is compared is the stacks, not the machine they share.
export SCHED_POLICY=${SCHED_POLICY:-batch} NGINX_SCHED_POLICY=${NGINX_SCHED_POLICY:-inherit}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=bench/results/$stamp
raw=$results/raw.txt
mkdir -p "$results"
log() { printf '[bench %s] %s\n' "$(date -u +%T)" "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

# --- pre-flight -------------------------------------------------------------------
for tool in wrk nginx php-fpm8.2 /usr/bin/gunicorn mariadb curl python3; do
	command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps' (scripts/deps/60-bench.apt)"
done
[[ -x ${STACK_SH:-scripts/stack.sh} ]] || die "scripts/stack.sh (the local stack) is missing"
[[ -x $CEILING_BIN ]] || die "$CEILING_BIN is not built: run 'make bench' (it builds it)"
[[ $(id -u) == 0 ]] || log "not root: PSS of other users' processes cannot be read"

# STACK_SH: the local stack script (a stand-in can be given to try the driver alone).
stack() { "${STACK_SH:-scripts/stack.sh}" "$@"; }
cleanup() {
	log "stopping the peers and the stack"
	bench/peers.sh stop || true
	stack stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR

# --- our stack, fresh ----------------------------------------------------------------
log "starting the local stack in $RUN_DIR on 127.0.0.1:$PORT (WORKERS=$WORKERS per pool)"
stack stop >/dev/null 2>&1 || true
bench/peers.sh stop || true
rm -rf "$RUN_DIR"
BACKEND_WORKERS=$WORKERS FRONTEND_WORKERS=$WORKERS stack start >"$results/stack.log" 2>&1 ||
	die "the stack did not start: $(tail -5 "$results/stack.log")"
# shellcheck disable=SC1091
source "$RUN_DIR/env"
base=http://127.0.0.1:$PORT

sql() { mariadb --no-defaults --socket="$MYSQL_SOCKET" -uroot -N -B "$DB_NAME" -e "$1"; }
# Rows written behind the service's back must keep its user_count (sql/004).
recount() { sql "UPDATE user_count SET users = (SELECT COUNT(*) FROM users) WHERE id = 1"; }

# The upstream keep-alive nginx/render.sh derived for our pools ("backend/frontend",
# "0/0" when off); the peers' nginx gets the same.
ka_of_stack() {
	local n
	n=$(grep -E '^\s*keepalive [0-9]+;' "$RUN_DIR/nginx.conf" | grep -oE '[0-9]+' | paste -sd/ -) || true
	echo "${n:-0/0}"
}
PEERS_KEEPALIVE=$(ka_of_stack)
export PEERS_KEEPALIVE=${PEERS_KEEPALIVE%%/*}

# The write mix writes as an editor: a session of the stack's editor, made through the
# sign-in endpoint as a client would (the peers have no sign-in and ignore the header).
BENCH_TOKEN=$(jq -n --arg n "$EDITOR_NAME" --rawfile p "$EDITOR_PASSWORD_FILE" \
	'{name: $n, password: ($p | rtrimstr("\n"))}' |
	curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @- "$base/api/v1/sessions" |
	jq -r .token) || die "could not sign in as the stack's editor $EDITOR_NAME"

# The peers log in as our backend does: the stack's account (DB_USER, DB_PASS).
export DB_USER DB_PASSWORD=$DB_PASS DB_NAME DB_SOCKET=$MYSQL_SOCKET

# --- the targets -----------------------------------------------------------------------
# name|path|ceiling file (none: no ceiling)|wrk script
targets=(
	"page|/|page.html|report.lua"
	"backend|/backend|backend.json|report.lua"
	"list|/api/v1/users|users.json|report.lua"
	"search|/api/v1/users?q=Mo|search.json|report.lua"
	"mix|/api/v1/users||mix.lua"
)
url_of() { # stack target-path ceiling-file -> URL
	case $1 in
	ours) echo "$base$2" ;;
	php) echo "http://127.0.0.1:$PORT_PHP$2" ;;
	flask) echo "http://127.0.0.1:$PORT_FLASK$2" ;;
	static) echo "http://127.0.0.1:$PORT_STATIC/$3" ;;
	fcgi) echo "http://127.0.0.1:$PORT_FCGI/$3" ;;
	esac
}

# The ceiling serves our exact bytes.
export CEILING_DIR=$results/ceiling
mkdir -p "$CEILING_DIR"
for t in "${targets[@]}"; do
	IFS='|' read -r name path file _ <<<"$t"
	[[ -n $file ]] || continue
	code=$(curl -s -o "$CEILING_DIR/$file" -w '%{http_code}' "$base$path")
	[[ $code == 200 ]] || die "ours: GET $path answered $code, not 200"
done

log "starting the ceiling and the peers (WORKERS=$WORKERS, upstream keepalive=$PEERS_KEEPALIVE)"
bench/peers.sh start || die "the peers did not start (see $PEERS_RUN/logs/)"

# --- same bytes? -----------------------------------------------------------------------
for t in "${targets[@]}"; do
	IFS='|' read -r name path file _ <<<"$t"
	[[ -n $file ]] || continue
	# The peers link the static files by their plain names, ours by fingerprinted ones
	# (bench/check.sh maps them the same way); the ceilings answer our exact bytes.
	plain=$results/ours-plain-$file
	sed -E 's#/static/(style|favicon)\.[0-9a-f]{10}\.(css|svg)#/static/\1.\2#' \
		"$CEILING_DIR/$file" >"$plain"
	for s in php flask static fcgi; do
		out=$results/$s-$file
		code=$(curl -s -o "$out" -w '%{http_code}' "$(url_of "$s" "$path" "$file")")
		[[ $code == 200 ]] || die "$s: GET $path answered $code, not 200"
		ref=$CEILING_DIR/$file
		[[ $s == php || $s == flask ]] && ref=$plain
		eq=0
		cmp -s "$out" "$ref" && eq=1
		echo "SAME stack=$s target=$name equal=$eq bytes=$(stat -c %s "$out") ours_bytes=$(stat -c %s "$ref")" >>"$raw"
	done
done

# --- measuring -------------------------------------------------------------------------
pool_masters() { # stack -> "name pid" lines for its pools (masters)
	local f
	case $1 in
	ours)
		for p in backend frontend nginx; do
			f=$RUN_DIR/pids/$p.pid
			[[ -s $f ]] && echo "ours-$p $(cat "$f")"
		done
		;;
	php) echo "php-fpm $(cat "$PEERS_RUN/php-fpm.pid")" ;;
	flask)
		echo "gunicorn-backend $(cat "$PEERS_RUN/flask-backend.pid")"
		echo "gunicorn-frontend $(cat "$PEERS_RUN/flask-frontend.pid")"
		;;
	fcgi) echo "fcgi_static $(cat "$PEERS_RUN/ceiling.pid")" ;;
	static) echo "peers-nginx $(cat "$PEERS_RUN/nginx.pid")" ;;
	esac
}

# settle: wait until the machine is idle again (both cores at least SETTLE_IDLE% idle
# over half a second, at most SETTLE_MAX seconds) before a measurement starts, so work
# a stack leaves behind (peers still starting their workers after the run's start, a
# backlog a peer's pool is still draining after its wrk stopped, MariaDB's background
# work) is not billed to the next stack. Without it the run's first measurement (ours,
# the page at 32 clients, seconds after gunicorn forked its 8 workers, which import
# Flask only then) was the lowest of its three rounds in two full runs of three; the
# first run with it measured that round at 5,344 req/s (3,543 in the run before).
settle() {
	local t0=$SECONDS a b
	while :; do
		a=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6; exit}' /proc/stat)
		sleep 0.5
		b=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6; exit}' /proc/stat)
		# shellcheck disable=SC2086
		set -- $a $b
		(( $3 > $1 && ($4 - $2) * 100 >= SETTLE_IDLE * ($3 - $1) )) && break
		if (( SECONDS - t0 >= SETTLE_MAX )); then
			log "the machine did not settle in ${SETTLE_MAX} s (idle $((($4 - $2) * 100 / ($3 - $1 + 1)))%): measuring anyway"
			return 0
		fi
	done
	(( SECONDS - t0 < 3 )) || log "settled after $((SECONDS - t0)) s"
}

# measure LABEL STACK TARGET CLIENTS URL SCRIPT [extra key=value fields]
measure() {
	local label=$1 s=$2 target=$3 c=$4 url=$5 script=$6
	shift 6
	local out=$results/wrk-$label-$s-$target-c$c.txt
	settle
	wrk -t"$THREADS" -c"$c" -d"${WARMUP}s" -s "bench/wrk/$script" "$url" -- "w$RANDOM" "$BENCH_TOKEN" >/dev/null 2>&1 || true
	wrk -t"$THREADS" -c"$c" -d"${DURATION}s" --timeout 5s --latency -s "bench/wrk/$script" \
		"$url" -- "m$RANDOM" "$BENCH_TOKEN" >"$out" 2>&1 &
	local wpid=$!
	sleep "$(awk "BEGIN {print $DURATION / 2}")"
	pool_masters "$s" | while read -r pool pid; do
		line=$(bench/pss.sh "$pool" "$pid" 2>/dev/null) || continue
		echo "${line/PSS /PSS stack=$s target=$target clients=$c $* }" >>"$raw"
	done
	wait "$wpid" || true
	local res
	res=$(grep '^BENCH ' "$out" | tail -1) || true
	[[ -n $res ]] || {
		log "wrk gave no result for $s $target c=$c (see $out)"
		res="BENCH requests=0 duration_us=0 rps=0 p50_us=0 p99_us=0 max_us=0 non2xx=0 errors=-1"
	}
	echo "${res/BENCH /RUN kind=$label stack=$s target=$target clients=$c $* }" >>"$raw"
	log "$label $s $target c=$c: $(sed 's/ duration_us=[0-9]*//; s/^BENCH //' <<<"$res")"
}

# A write still in flight when wrk stops lands a moment later: wait for it first.
forget_bench_rows() {
	sleep 1
	sql "DELETE FROM users WHERE userName LIKE 'bench%'" && recount
}

# Each round measures every target on every stack; the next round starts the stacks in
# another order, so no stack always runs right after the same neighbour.
rotate() { # n words… -> the words rotated left by n
	local n=$1
	shift
	local w=("$@")
	n=$((n % ${#w[@]}))
	echo "${w[@]:n}" "${w[@]:0:n}"
}
for round in $(seq "$ROUNDS"); do
	for c in $CLIENTS; do
		for t in "${targets[@]}"; do
			IFS='|' read -r name path file script <<<"$t"
			stacks="ours php flask"
			[[ -n $file ]] && stacks+=" static fcgi"
			# shellcheck disable=SC2086
			for s in $(rotate $((round - 1)) $stacks); do
				measure main "$s" "$name" "$c" "$(url_of "$s" "$path" "$file")" "$script" \
					"round=$round"
				[[ $name == mix ]] && forget_bench_rows
			done
		done
	done
done

# --- nginx upstream keep-alive: the rule vs overrides (p99 at 64 clients) -------------
# The stack's nginx is rendered by nginx/render.sh, which derives upstream keep-alive
# from the pool sizes (its rule) and takes KEEPALIVE=N as an override (0: off).
# KA_VALUES: "rule" (no override) and the overrides to compare; restarts keep the data.
restart_stack() { # [KEEPALIVE override]
	stack stop >/dev/null 2>&1 || true
	if [[ -n ${1:-} ]]; then
		KEEPALIVE=$1 BACKEND_WORKERS=$WORKERS FRONTEND_WORKERS=$WORKERS stack start >>"$results/stack.log" 2>&1
	else
		BACKEND_WORKERS=$WORKERS FRONTEND_WORKERS=$WORKERS stack start >>"$results/stack.log" 2>&1
	fi
}
if [[ ${KA_ROW:-1} == 1 ]]; then
	for ka in ${KA_VALUES:-rule 0 1 2}; do
		if [[ $ka == rule ]]; then
			restart_stack || die "the stack did not restart"
		else
			restart_stack "$ka" || die "the stack did not restart with KEEPALIVE=$ka"
		fi
		conf=$(ka_of_stack)
		for tg in "page|/" "list|/api/v1/users"; do
			IFS='|' read -r name path <<<"$tg"
			measure "ka-$ka" ours "$name" 64 "$base$path" report.lua "conf=$conf"
		done
	done
	restart_stack || die "the stack did not restart"
	# The database restarted with the stack: give the peers fresh connections.
	bench/peers.sh start || die "the peers did not restart"
fi

# --- scaling: list and search latency at more users -------------------------------------
# Names are a seed name and a number never used before (seq picks up where it stopped).
loaded=0
for n in $SCALE; do
	have=$(sql "SELECT COUNT(*) FROM users")
	if ((n > have)); then
		log "scaling: loading $((n - have)) users (INSERT ... SELECT FROM seq_M_to_N)"
		sql "INSERT INTO users (userName, createdAt) SELECT CONCAT(ELT(1 + seq % 5, 'Bob', 'Jay', 'Matt', 'Ferg', 'Mo'), seq), UTC_TIMESTAMP() FROM seq_$((loaded + 1))_to_$((loaded + n - have))"
		loaded=$((loaded + n - have))
		recount
	fi
	have=$(sql "SELECT COUNT(*) FROM users")
	for tg in "list|/api/v1/users" "search|/api/v1/users?q=Mo" "search-narrow|/api/v1/users?q=Mo1234"; do
		IFS='|' read -r name path <<<"$tg"
		for s in ours php flask; do
			measure scale "$s" "$name" 32 "$(url_of "$s" "$path" "")" report.lua "users=$have"
		done
	done
done

# --- the largest table: GET /backend's memory and time, a deep page -------------------
# Every stack answers the whole table; its backend workers' peak RSS (VmHWM: the most
# resident memory each process ever held) says whether memory grows with the table.
children_of() { # pid -> its children's pids, one a line
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+$' || true
}
backend_workers() { # stack -> pids of its backend pool's workers
	case $1 in
	ours) children_of "$(cat "$RUN_DIR/pids/backend.pid")" ;;
	php) # one master for both pools: its workers name their pool
		children_of "$(cat "$PEERS_RUN/php-fpm.pid")" | while read -r k; do
			[[ $(tr '\0' ' ' <"/proc/$k/cmdline" 2>/dev/null) == *'pool backend'* ]] && echo "$k"
		done
		;;
	flask) children_of "$(cat "$PEERS_RUN/flask-backend.pid")" ;;
	esac
}
status_kib() { # pid field -> the field of /proc/PID/status in KiB
	awk -v f="$2:" '$1 == f {print $2; exit}' "/proc/$1/status" 2>/dev/null || true
}
BIG_RUNS=${BIG_RUNS:-3}
big_backend() { # users
	local s out times code t bytes pid peak sum rss v
	for s in ours php flask; do
		out=$results/backend-$s-$1.json
		times=()
		for _ in $(seq "$BIG_RUNS"); do
			read -r code t bytes < <(curl -s -o "$out" --max-time 600 \
				-w '%{http_code} %{time_total} %{size_download}\n' "$(url_of "$s" /backend "")")
			[[ $code == 200 ]] || log "$s: GET /backend at $1 users answered $code"
			times+=("$t")
		done
		peak=0 sum=0 rss=0
		for pid in $(backend_workers "$s"); do
			v=$(status_kib "$pid" VmHWM)
			[[ -n $v ]] || continue
			sum=$((sum + v))
			((v > peak)) && peak=$v
			v=$(status_kib "$pid" VmRSS)
			((${v:-0} > rss)) && rss=$v
		done
		eq=0
		cmp -s "$out" "$results/backend-ours-$1.json" && eq=1
		echo "BIG stack=$s users=$1 status=$code bytes=$bytes equal=$eq" \
			"seconds=$(printf '%s\n' "${times[@]}" | sort -n | paste -sd, -)" \
			"peak_kib=$peak peak_sum_kib=$sum rss_after_kib=$rss" >>"$raw"
		log "big /backend $s at $1 users: ${times[*]} s, worker peak RSS $((peak / 1024)) MiB"
		[[ $s == ours ]] || rm -f "$out"
	done
	rm -f "$results/backend-ours-$1.json"
}

# A page 90% deep: ours by cursor (after= the id before it), ours and the peers by
# offset. The keyset page must hold the same users as the offset page.
deep_page() { # users
	local deep=$(($1 * 9 / 10)) id after code s
	id=$(sql "SELECT id FROM users ORDER BY id LIMIT 1 OFFSET $((deep - 1))")
	# The cursor of that user in the id order (fcgi-backend/cursor.h: base64url "i:<id>:").
	after=$(printf 'i:%s:' "$id" | base64 | tr '+/' '-_' | tr -d '=\n')
	curl -s -o "$results/deep-keyset.json" "$base/api/v1/users?after=$after"
	curl -s -o "$results/deep-offset.json" "http://127.0.0.1:$PORT_PHP/api/v1/users?offset=$deep"
	same=$(python3 -c 'import json, sys
a, b = (json.load(open(f))["items"] for f in sys.argv[1:])
print(int(a == b and len(a) > 0))' "$results/deep-keyset.json" "$results/deep-offset.json" 2>/dev/null) || same=0
	echo "DEEP users=$1 depth=$deep after=$id same_items=$same" >>"$raw"
	# The first page again, right before the deep one: the machine's speed drifts over
	# minutes, so the ratio holds only between measurements taken side by side.
	measure deep ours first-page 32 "$base/api/v1/users" report.lua "users=$1"
	measure deep ours deep-keyset 32 "$base/api/v1/users?after=$after" report.lua "users=$1"
	code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/users?offset=$deep")
	if [[ $code == 200 ]]; then
		measure deep ours deep-offset 32 "$base/api/v1/users?offset=$deep" report.lua "users=$1"
	else
		echo "DEEPREFUSED stack=ours users=$1 offset=$deep status=$code" >>"$raw"
	fi
	for s in php flask; do
		measure deep "$s" deep-offset 32 "$(url_of "$s" "/api/v1/users?offset=$deep" "")" \
			report.lua "users=$1"
	done
}

users_now=$(sql "SELECT COUNT(*) FROM users")
log "the largest table ($users_now users): GET /backend's memory and time, a deep page"
big_backend "$users_now"
deep_page "$users_now"

# --- where the time goes ---------------------------------------------------------------
# perf over the whole machine while one target runs: CPU by process (ours, and PHP on the
# same search, to see whose CPU a ratio is made of) and the hottest symbols of our pools.
profile() { # label url
	local label=$1 url=$2 wpid
	wrk -t"$THREADS" -c32 -d"$((DURATION + 2))s" "$url" >"$results/perf-$label-wrk.txt" 2>&1 &
	wpid=$!
	sleep 1
	if perf record -a -g -F 499 -o "$results/perf-$label.data" -- sleep "$DURATION" >/dev/null 2>&1; then
		perf report -i "$results/perf-$label.data" --stdio --no-children --sort comm 2>/dev/null |
			grep -E '^ +[0-9.]+%' | head -8 >"$results/perf-$label-comm.txt" || true
		for comm in fcgi-frontend fcgi-backend; do
			perf report -i "$results/perf-$label.data" --stdio --no-children --comm "$comm" \
				--sort dso,symbol -g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -12 \
				>"$results/perf-$label-$comm.txt" || true
		done
		rm -f "$results/perf-$label.data"
	else
		log "perf record failed (no permission in this container?): no profile"
	fi
	wait "$wpid" || true
}
if [[ $PROFILE == 1 ]] && command -v perf >/dev/null; then
	log "profiling (perf, whole machine): GET / and the search on ours, the search on PHP"
	profile page "$base/"
	profile search "$base/api/v1/users?q=Mo"
	profile php-search "http://127.0.0.1:$PORT_PHP/api/v1/users?q=Mo"
fi

# --- the report ------------------------------------------------------------------------
{
	echo "META date=$stamp quick=$QUICK duration=$DURATION warmup=$WARMUP rounds=$ROUNDS threads=$THREADS workers=$WORKERS nginx_workers=$NGINX_WORKERS keepalive=$PEERS_KEEPALIVE micro_cache=$NGINX_MICRO_CACHE conn_limit=$NGINX_CONN_LIMIT sched=$SCHED_POLICY nginx_sched=$NGINX_SCHED_POLICY"
	echo "META cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,) commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)"
} >>"$raw"
python3 bench/report.py "$results" >bench/report.md
cp bench/report.md "$results/report.md"
cat bench/report.md
log "results in $results/, report in bench/report.md"
