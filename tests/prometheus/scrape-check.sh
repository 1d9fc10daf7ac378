#!/usr/bin/env bash
# scrape-check.sh (make metrics-check): what an operator's Prometheus sees. A local
# stack (scripts/stack.sh: MariaDB, both pools with METRICS_LISTEN, nginx with
# stub_status on loopback), Debian's prometheus-nginx-exporter beside nginx, and a real
# Prometheus (Debian's package) on loopback, its data under RUN_DIR, scraping the two
# pool masters and the exporter every second with the project's rules loaded. Load
# runs through nginx meanwhile. Then:
#   - promtool check metrics passes on each pool's /metrics (the exporter's output is
#     parsed too; its two counters without "_total" are the exporter's, reported);
#   - Prometheus' API has per-pool series with the right worker counts, the load seen
#     (active workers, accepted connections, 200s), nginx_up 1, every target up and
#     the rule group healthy;
#   - one page request with a known id, and one with nginx's own id: the same id is on
#     its nginx, frontend and backend log lines;
#   - figures: scrape durations and /metrics latency under load.
# Env: RUN_DIR (.run/test-metrics), PORT (18160; the next five ports are used too).
# Everything started here is stopped by its pid on exit.
# shellcheck disable=SC2015 # "cond && ok || bad": ok always succeeds
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
run=${RUN_DIR:-.run/test-metrics}
port=${PORT:-18160}
be_metrics=127.0.0.1:$((port + 1)) fe_metrics=127.0.0.1:$((port + 2))
stub=127.0.0.1:$((port + 3)) exporter=127.0.0.1:$((port + 4)) prom=127.0.0.1:$((port + 5))
backend_workers=3 frontend_workers=2

for tool in prometheus promtool prometheus-nginx-exporter curl jq wrk; do
	command -v "$tool" >/dev/null ||
		{ echo "SKIPPED: metrics-check: $tool is not installed (make deps)"; exit 0; }
done
for bin in build/fcgi-backend build/fcgi-frontend; do
	[[ -x $bin ]] || { echo "metrics-check: $bin is not built (make)" >&2; exit 1; }
done

checks=0 fails=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }

scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$run"
mkdir -p "$run"
run=$(cd "$run" && pwd)
export RUN_DIR=$run PORT=$port BACKEND_WORKERS=$backend_workers FRONTEND_WORKERS=$frontend_workers
export BACKEND_METRICS_LISTEN=$be_metrics FRONTEND_METRICS_LISTEN=$fe_metrics NGINX_STUB_STATUS=$stub

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	scripts/stack.sh stop >/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/stack.sh start || { tail -n 20 "$run"/logs/*.log >&2; exit 1; }
base=http://127.0.0.1:$port

prometheus-nginx-exporter -nginx.scrape-uri="http://$stub/stub_status" \
	-web.listen-address="$exporter" >"$run/logs/nginx-exporter.log" 2>&1 &
pids+=($!)

cat >"$run/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $PWD/prometheus/fcgi-users.rules.yml
scrape_configs:
  - job_name: fcgi-users-pools
    static_configs:
      - targets: ["$be_metrics", "$fe_metrics"]
  - job_name: nginx
    static_configs:
      - targets: ["$exporter"]
EOF
promtool check config "$run/prometheus.yml" >/dev/null 2>&1 && ok "promtool check config" || bad "promtool check config"
prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus" \
	--web.listen-address="$prom" --storage.tsdb.retention.time=1h \
	>"$run/logs/prometheus.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://$prom/-/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://$prom/-/ready" >/dev/null && ok "Prometheus ready on $prom" ||
	{ bad "Prometheus did not start: $(tail -n 3 "$run/logs/prometheus.log")"; exit 1; }

# ---- the endpoints, as promtool reads them ---------------------------------------------
for ep in "backend $be_metrics" "frontend $fe_metrics"; do
	set -- "${ep% *}" "${ep#* }"
	if out=$(curl -sf "http://$2/metrics" | promtool check metrics 2>&1); then
		ok "promtool check metrics: $1 pool's /metrics"
	else
		bad "promtool check metrics ($1): $out"
	fi
	om=$(curl -s -H 'Accept: application/openmetrics-text; version=1.0.0' "http://$2/metrics")
	[[ ${om##*$'\n'} == '# EOF' ]] &&
		ok "$1: OpenMetrics when asked (ends with # EOF)" || bad "$1: no OpenMetrics answer"
done
sleep 1.5 # the exporter's first reading of stub_status
out=$(curl -sf "http://$exporter/metrics" | promtool check metrics 2>&1)
rc=$?
others=$(grep -v 'counter metrics should have "_total" suffix' <<<"$out" | grep -c . || true)
if ((rc == 0 || (rc == 3 && others == 0))); then
	ok "promtool check metrics: nginx exporter parses (its own lint: $(grep -c . <<<"$out") counters without _total)"
else
	bad "promtool check metrics (nginx exporter): $out"
fi

# ---- load while Prometheus scrapes -----------------------------------------------------
wrk -t2 -c6 -d10s "$base/" >"$run/wrk-page.log" 2>&1 &
w1=$!
wrk -t1 -c4 -d10s "$base/backend" >"$run/wrk-api.log" 2>&1 &
w2=$!
pids+=("$w1" "$w2")
sleep 2
lat=()
for _ in $(seq 40); do
	lat+=("$(curl -s -o /dev/null -w '%{time_total}' "http://$be_metrics/metrics")")
	sleep 0.15
done
wait "$w1" "$w2"
mapfile -t sorted < <(printf '%s\n' "${lat[@]}" | sort -n)
p50=${sorted[19]} p95=${sorted[37]} max=${sorted[39]}
echo "   /metrics latency under load (backend, 40 requests): p50 ${p50}s p95 ${p95}s max ${max}s"
echo "   load: $(grep -h 'Requests/sec' "$run"/wrk-*.log | tr -s ' ' | paste -sd ';')"
awk -v m="$max" 'BEGIN { exit !(m > 0 && m < 1) }' && ok "/metrics answered every time under load (max ${max}s)" ||
	bad "/metrics under load: max ${max}s"
sleep 2 # one more scrape after the load

q() { # PROMQL -> the first sample's value ("" when none)
	curl -s "http://$prom/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'
}
qn() { # PROMQL -> number of series
	curl -s "http://$prom/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result | length'
}
[[ $(q 'fcgi_pool_total_processes{pool="backend"}') == "$backend_workers" ]] &&
	ok "Prometheus: backend pool has $backend_workers workers" ||
	bad "Prometheus: backend total_processes = '$(q 'fcgi_pool_total_processes{pool="backend"}')', want $backend_workers"
[[ $(q 'fcgi_pool_total_processes{pool="frontend"}') == "$frontend_workers" ]] &&
	ok "Prometheus: frontend pool has $frontend_workers workers" ||
	bad "Prometheus: frontend total_processes = '$(q 'fcgi_pool_total_processes{pool="frontend"}')', want $frontend_workers"
for pool in backend frontend; do
	n=$(qn "fcgi_pool_up{pool=\"$pool\"}")
	[[ $n == 1 ]] && ok "Prometheus: one $pool target (instance $(curl -s "http://$prom/api/v1/query" --data-urlencode "query=fcgi_pool_up{pool=\"$pool\"}" | jq -r '.data.result[0].metric.instance'))" ||
		bad "Prometheus: $n series of fcgi_pool_up for $pool"
	a=$(q "max_over_time(fcgi_pool_active_processes{pool=\"$pool\"}[1m])")
	[[ ${a:-0} -ge 1 ]] 2>/dev/null && ok "Prometheus: $pool had up to $a busy workers during the load" ||
		bad "Prometheus: no busy $pool worker seen (max active '$a')"
	r=$(q "increase(fcgi_pool_responses_total{pool=\"$pool\",code=\"200\"}[1m])")
	awk -v r="${r:-0}" 'BEGIN { exit !(r > 100) }' && ok "Prometheus: $pool answered $(printf '%.0f' "$r") 200s in the last minute" ||
		bad "Prometheus: $pool 200s in the last minute: '$r'"
done
[[ $(q 'nginx_up') == 1 ]] && ok "Prometheus: nginx_up 1 (through the exporter)" || bad "nginx_up: '$(q nginx_up)'"
nr=$(q 'increase(nginx_http_requests_total[1m])')
awk -v r="${nr:-0}" 'BEGIN { exit !(r > 100) }' && ok "Prometheus: nginx served $(printf '%.0f' "$nr") requests in the last minute" ||
	bad "Prometheus: nginx_http_requests_total increase '$nr'"
down=$(qn 'up == 0')
[[ $(qn 'up == 1') == 3 && $down == 0 ]] && ok "Prometheus: all 3 targets up" || bad "targets: $(qn 'up == 1') up, $down down"
busy=$(q 'namespace_pool:fcgi_pool_busy:ratio{pool="backend"}')
[[ -n $busy ]] && ok "Prometheus: recording rule namespace_pool:fcgi_pool_busy:ratio evaluated (backend $busy)" ||
	bad "the recording rules did not produce namespace_pool:fcgi_pool_busy:ratio"
health=$(curl -s "http://$prom/api/v1/rules" | jq -r '[.data.groups[].rules[].health] | unique | join(",")')
[[ $health == ok ]] && ok "Prometheus: every rule healthy" || bad "rule health: $health"
sd=$(curl -s "http://$prom/api/v1/query" --data-urlencode 'query=max_over_time(scrape_duration_seconds[1m])' |
	jq -r '.data.result[] | "\(.metric.job)/\(.metric.instance) \(.value[1] | tonumber * 1000 | floor / 1000)s"' | paste -sd ';')
echo "   scrape durations, max over the run: $sd"

# ---- one request id through nginx, the frontend and the backend -----------------------
logs_with() { # ID -> the logs (nginx access, frontend, backend) that carry it
	local f found=()
	sleep 0.3
	for f in nginx/logs/nginx-access.log logs/frontend.log logs/backend.log; do
		grep -q -- "$1" "$run/$f" && found+=("$(basename "$f")")
	done
	echo "${found[*]}"
}
rid=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Request-Id: $rid" "$base/")
want="nginx-access.log frontend.log backend.log"
got=$(logs_with "$rid")
[[ $code == 200 && $got == "$want" ]] && ok "GET / with X-Request-Id $rid: the id is on the nginx, frontend and backend lines" ||
	bad "request id $rid (GET / $code) found in: '$got'"
curl -s -o /dev/null "$base/?rid-probe=1"
sleep 0.3
rid=$(grep 'rid-probe=1' "$run/nginx/logs/nginx-access.log" | tail -n 1 | grep -o 'rid=[0-9a-f]\{32\}' | cut -d= -f2)
got=$(logs_with "${rid:-none}")
[[ -n $rid && $got == "$want" ]] && ok "GET / without an id: nginx's own id $rid is on the nginx, frontend and backend lines" ||
	bad "nginx's request id '$rid' found in: '$got'"
n=$(grep -c -- "$rid" "$run/logs/backend.log")
[[ $n -ge 1 ]] && ok "the backend logged $n line(s) for that page's API call" || bad "no backend line for $rid"

echo "metrics-check: Checks: $checks, Failures: $fails, Errors: 0"
((fails == 0))
