#!/usr/bin/env bash
# switches.sh: where a request's handoffs go. Drives URL with wrk for SECS seconds at
# CLIENTS connections and prints, for each process name that took part (nginx, the
# pools, mariadbd; every thread of a process counted under its name), per request:
#   sleeps  voluntary context switches: it waited (for a request, a peer's answer)
#   preempt involuntary ones: the scheduler took the CPU from it (often a peer it
#           had just woken, on the same core)
#   cpu_us  its CPU time (user + system)
# from /proc before and after. wrk's own share is not counted (it has exited by then).
# On this project's 2-core VM a wakeup and the switch it causes cost about 10 µs
# (docs/benchmarks.md, "Where the time goes"), so these counts explain most of a page's
# cost. Point it at a running stack, e.g. `make run`, or the bench's during a run.
#
# Usage: bench/switches.sh URL [SECS (5)] [CLIENTS (32)]
set -euo pipefail

url=${1:?usage: bench/switches.sh URL [SECS] [CLIENTS]}
secs=${2:-5}
clients=${3:-32}
command -v wrk >/dev/null || {
	echo "switches.sh: wrk is missing: run 'make deps'" >&2
	exit 2
}
[[ $secs =~ ^[1-9][0-9]*$ && $clients =~ ^[1-9][0-9]*$ ]] || {
	echo "switches.sh: SECS and CLIENTS are positive integers, not '$secs' '$clients'" >&2
	exit 2
}
hz=$(getconf CLK_TCK)

# One line a process name: name voluntary involuntary cpu_ticks, summed over its
# threads. Each thread is a record: "@", the process's comm, the thread's status and
# stat (a thread gone by the time it is read just drops out).
snapshot() {
	local t pid
	for t in /proc/[0-9]*/task/[0-9]*; do
		pid=${t#/proc/}
		pid=${pid%%/*}
		echo @
		cat "/proc/$pid/comm" "$t/status" "$t/stat" 2>/dev/null || true
	done | awk '
		function emit() { if (name != "" && st) { v[name] += vol; i[name] += inv; c[name] += cpu } }
		$0 == "@" { emit(); n = 0; name = ""; st = 0; vol = inv = cpu = 0; next }
		{ n++ }
		n == 1 { name = $0; gsub(/[^A-Za-z0-9._:\/-]/, "_", name); next }
		/^voluntary_ctxt_switches:/ { vol = $2; next }
		/^nonvoluntary_ctxt_switches:/ { inv = $2; next }
		/^[0-9]+ \(/ { sub(/.*\) /, ""); split($0, f, " "); cpu = f[12] + f[13]; st = 1 }
		END { emit(); for (k in v) print k, v[k], i[k], c[k] }' | sort
}

before=$(mktemp)
after=$(mktemp)
out=$(mktemp)
trap 'rm -f "$before" "$after" "$out"' EXIT
snapshot >"$before"
wrk -t2 -c"$clients" -d"${secs}s" "$url" >"$out" 2>&1 || true
snapshot >"$after"

requests=$(awk '/ requests in /{print $1}' "$out")
[[ ${requests:-0} -gt 0 ]] || {
	echo "switches.sh: wrk completed no request against $url" >&2
	cat "$out" >&2
	exit 1
}
echo "$url: $requests requests in ${secs} s at $clients clients ($(awk '/^Requests\/sec/{print $2}' "$out") req/s)"
printf '%-16s %8s %8s %8s\n' process sleeps preempt cpu_us
join "$before" "$after" | awk -v n="$requests" -v hz="$hz" '
	{ s = ($5 - $2) / n; p = ($6 - $3) / n; c = ($7 - $4) / hz * 1e6 / n
	  if (s >= 0.01 || p >= 0.01) { printf "%-16s %8.2f %8.2f %8.1f\n", $1, s, p, c
	                                ts += s; tp += p; tc += c } }
	END { printf "%-16s %8.2f %8.2f %8.1f\n", "all", ts, tp, tc }'
