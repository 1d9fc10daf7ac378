#!/usr/bin/env bash
# run.sh: `make bench`. Starts the project's local stack and, beside it, the ceiling and
# the peers (bench/peers.sh), checks that they all answer the same bytes, then measures
# every target on every stack back to back in one run (so the ratios hold on a noisy
# machine) with wrk at each client count: requests/s, p50/p99/max latency, non-2xx,
# socket errors, and the workers' PSS. Then the nginx upstream keep-alive row, the
# scaling run (5, 10,000 and 1,000,000 users) and, in a full run, a perf profile of the
# page. bench/report.py turns the results into bench/report.md (git-ignored).
#
# Settings (environment): QUICK=1 (short runs), DURATION, WARMUP (seconds per run),
#   CLIENTS ("32 64"), THREADS (wrk threads, 2), WORKERS (workers per pool, every stack),
#   SCALE ("5 10000 1000000"), PROFILE (1 in a full run: perf), BENCH_RUN_DIR (.run/bench),
#   BENCH_PORT (18500: ours; +10, +11 ceiling, +20 PHP, +30 Flask).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
	DURATION=${DURATION:-3} WARMUP=${WARMUP:-1} SCALE=${SCALE:-5 10000} PROFILE=${PROFILE:-0}
else
	DURATION=${DURATION:-10} WARMUP=${WARMUP:-3} SCALE=${SCALE:-5 10000 1000000}
	PROFILE=${PROFILE:-1}
fi
CLIENTS=${CLIENTS:-32 64}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-4}
NGINX_WORKERS=${NGINX_WORKERS:-2}
export RUN_DIR=${BENCH_RUN_DIR:-.run/bench}
export PORT=${BENCH_PORT:-18500}
export PEERS_RUN=$RUN_DIR/peers
export PORT_STATIC=$((PORT + 10)) PORT_FCGI=$((PORT + 11)) PORT_PHP=$((PORT + 20))
export PORT_FLASK=$((PORT + 30))
export PEERS_WORKERS=$WORKERS NGINX_WORKERS
export CEILING_BIN=$root/build/bench/fcgi_static

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
	for s in php flask static fcgi; do
		out=$results/$s-$file
		code=$(curl -s -o "$out" -w '%{http_code}' "$(url_of "$s" "$path" "$file")")
		[[ $code == 200 ]] || die "$s: GET $path answered $code, not 200"
		eq=0
		cmp -s "$out" "$CEILING_DIR/$file" && eq=1
		echo "SAME stack=$s target=$name equal=$eq bytes=$(stat -c %s "$out") ours_bytes=$(stat -c %s "$CEILING_DIR/$file")" >>"$raw"
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

# measure LABEL STACK TARGET CLIENTS URL SCRIPT [extra key=value fields]
measure() {
	local label=$1 s=$2 target=$3 c=$4 url=$5 script=$6
	shift 6
	local out=$results/wrk-$label-$s-$target-c$c.txt
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

for c in $CLIENTS; do
	for t in "${targets[@]}"; do
		IFS='|' read -r name path file script <<<"$t"
		stacks="ours php flask"
		[[ -n $file ]] && stacks+=" static fcgi"
		for s in $stacks; do
			measure main "$s" "$name" "$c" "$(url_of "$s" "$path" "$file")" "$script"
			[[ $name == mix ]] && forget_bench_rows
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
	echo "META date=$stamp quick=$QUICK duration=$DURATION warmup=$WARMUP threads=$THREADS workers=$WORKERS nginx_workers=$NGINX_WORKERS keepalive=$PEERS_KEEPALIVE"
	echo "META cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,) commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)"
} >>"$raw"
python3 bench/report.py "$results" >bench/report.md
cp bench/report.md "$results/report.md"
cat bench/report.md
log "results in $results/, report in bench/report.md"
