#!/usr/bin/env bash
# measure-keepalive.sh: measures what upstream keep-alive does to latency and
# throughput, for docs/nginx-tuning.md. It starts the fcgi_echo responder as a pool
# of P workers and nginx (rendered by nginx/render.sh) with W workers, then runs wrk
# against one route for each keep-alive setting and client count. The settings are
# interleaved and repeated (-r), so a noisy shared machine hits them alike; the table
# gives the median p50/p99 latency and requests/s of the repeats. Everything runs
# under RUN_DIR on PORT and is stopped at the end. Not part of `make test` (speed
# belongs to `make bench`); run it by hand:
#
#   tests/nginx/measure-keepalive.sh [-p POOL] [-w NGINX_WORKERS] [-u WORK_US]
#        [-C CONCURRENCY] [-d SECONDS] [-r REPEATS] [-c "32 64"] [-k "off rule 16"]
#
# -k lists the keep-alive settings: "off" (0), "rule" (what render.sh derives from
# POOL, NGINX_WORKERS and -C, the most requests in flight), or a number.
# Env: RUN_DIR (default .run/dev-nginx/measure), PORT (default 18410).
set -euo pipefail
cd "$(dirname "$0")/../.."

pool=2 workers=2 work_us=1000 secs=5 clients="32 64" settings="off rule 16" reps=1 conc=
while getopts p:w:u:d:c:k:r:C:h opt; do
	case $opt in
	r) reps=$OPTARG ;;
	C) conc=$OPTARG ;;
	p) pool=$OPTARG ;;
	w) workers=$OPTARG ;;
	u) work_us=$OPTARG ;;
	d) secs=$OPTARG ;;
	c) clients=$OPTARG ;;
	k) settings=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
for tool in wrk nginx; do
	command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed (make deps)"; exit 0; }
done

run=${RUN_DIR:-.run/dev-nginx/measure}
port=${PORT:-18410}
mkdir -p "$run"
run=$(cd "$run" && pwd)
echo_bin=$run/fcgi_echo
gcc -std=c17 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$echo_bin" tests/nginx/fcgi_echo.c -lfcgi

echo_pid='' nginx_started=0
stop_all() {
	if ((nginx_started)) && [[ -s $run/nginx.pid ]]; then
		nginx -p "$run" -c "$run/nginx.conf" -s quit 2>/dev/null || true
		for _ in $(seq 50); do [[ -e $run/nginx.pid ]] || break; sleep 0.1; done
	fi
	nginx_started=0
	if [[ -n $echo_pid ]]; then
		kill "$echo_pid" 2>/dev/null || true
		wait "$echo_pid" 2>/dev/null || true
	fi
	echo_pid=''
}
trap stop_all EXIT

# ms VALUE: wrk's "12.34ms" / "1.20s" / "850.00us" in milliseconds.
ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
		else { sub(/s$/, "", v); printf "%.2f", v * 1000 } }'
}

conc_opt=()
[[ -n $conc ]] && conc_opt=(--backend-concurrency "$conc")
raw=$run/raw.txt
: >"$raw"
for rep in $(seq "$reps"); do
	for setting in $settings; do
		ka_opt=()
		case $setting in
		off) ka_opt=(--keepalive 0) ;;
		rule) ;;
		*) ka_opt=(--keepalive "$setting") ;;
		esac
		stop_all
		"$echo_bin" measure "unix:$run/pool.sock" "$pool" "$work_us" &
		echo_pid=$!
		nginx/render.sh local --listen "127.0.0.1:$port" --prefix "$run" \
			--backend "unix:$run/pool.sock" --frontend "unix:$run/pool.sock" \
			--backend-workers "$pool" --frontend-workers "$pool" --nginx-workers "$workers" \
			--access-log off "${conc_opt[@]}" "${ka_opt[@]}" -o "$run/nginx.conf"
		kept=$(awk '/upstream fcgi_backend/ {u=1} u && /^ *keepalive [0-9]/ {print $2+0; exit} u && /^ *}/ {print 0; exit}' "$run/nginx.conf")
		for _ in $(seq 50); do [[ -S $run/pool.sock ]] && break; sleep 0.1; done
		nginx -p "$run" -c "$run/nginx.conf"
		nginx_started=1
		for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/x" && break; sleep 0.1; done
		for c in $clients; do
			out=$(wrk -t2 -c"$c" -d"${secs}s" --timeout 10s --latency "http://127.0.0.1:$port/api/v1/users" 2>&1)
			p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
			p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
			rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
			errs=$(awk '/Socket errors/ {for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i + 0}
				/Non-2xx/ {n += $NF} END {print n + 0}' <<<"$out")
			echo "$c $setting $kept $(ms "$p50") $(ms "$p99") $rps $errs" >>"$raw"
			echo "run $rep: clients=$c keepalive=$setting ($kept) p50=$(ms "$p50")ms p99=$(ms "$p99")ms rps=$rps errors=$errs" >&2
		done
	done
done
stop_all

# Median of the repeats per (clients, setting), in the order they were run.
echo "pool=$pool nginx_workers=$workers work_us=$work_us duration=${secs}s repeats=$reps${conc:+ concurrency=$conc}"
printf '%-8s %-10s %-5s %9s %9s %10s %7s\n' clients keepalive kept p50_ms p99_ms rps errors
for c in $clients; do
	for setting in $settings; do
		awk -v c="$c" -v s="$setting" '
			function med(a, n,   i, j, t) {
				for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			$1 == c && $2 == s { n++; k = $3; p50[n] = $4; p99[n] = $5; rps[n] = $6; e += $7 }
			END { if (n) printf "%-8s %-10s %-5s %9.2f %9.2f %10.0f %7d\n", c, s, k, med(p50, n), med(p99, n), med(rps, n), e }' "$raw"
	done
done
