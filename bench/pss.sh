#!/usr/bin/env bash
# pss.sh: the memory a worker pool really costs, for `make bench`. For a pool master's
# pid, reads the proportional set size (PSS: private pages plus each shared page divided
# by the processes sharing it) of the master and of each of its worker children from
# /proc/PID/smaps_rollup, and prints one machine-readable line:
#   PSS pool=NAME master_kib=N workers=N mean_kib=N max_kib=N total_kib=N
# Usage: bench/pss.sh NAME MASTER_PID   (reading another user's smaps needs root)
set -euo pipefail
name=${1:?usage: pss.sh NAME MASTER_PID}
master=${2:?usage: pss.sh NAME MASTER_PID}

pss_of() { # PSS of one pid in KiB, or nothing when it is gone
	awk '/^Pss:/ {print $2; exit}' "/proc/$1/smaps_rollup" 2>/dev/null || true
}

m=$(pss_of "$master")
if [[ -z $m ]]; then
	echo "pss.sh: no process $master for $name (or /proc/$master/smaps_rollup unreadable)" >&2
	exit 1
fi
kids=$(cat /proc/"$master"/task/*/children 2>/dev/null || true)
n=0 sum=0 max=0
for k in $kids; do
	p=$(pss_of "$k")
	[[ -n $p ]] || continue
	n=$((n + 1)) sum=$((sum + p))
	((p > max)) && max=$p
done
mean=0
((n > 0)) && mean=$((sum / n))
echo "PSS pool=$name master_kib=$m workers=$n mean_kib=$mean max_kib=$max total_kib=$((m + sum))"
