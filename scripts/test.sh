#!/usr/bin/env bash
# make test: run each check named on the command line (make targets, in order), keep
# every log under .run/test-logs/, and end with one summary line. A check that cannot
# run here prints a line starting with "SKIPPED:" and the reason; it is counted as
# skipped, never as passed. Check suites' own counts are added up; any other check
# counts as one test.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
scripts/traversable.sh
logs=.run/test-logs
mkdir -p "$logs"

passed=0 failed=0 skipped=0
declare -a rows=()
for step in "$@"; do
	log=$logs/$step.log
	echo "==> make $step"
	start=$SECONDS
	make --no-print-directory "$step" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	took=$((SECONDS - start))
	# Check prints "NN%: Checks: N, Failures: F, Errors: E" per suite.
	read -r c f e < <(grep -aoE 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" |
		awk -F'[:, ]+' '{c+=$2; f+=$4; e+=$6} END {print c+0, f+0, e+0}')
	nskip=$(grep -acE '^SKIPPED:' "$log" || true)
	if ((rc != 0)); then
		state=FAILED
	elif ((nskip > 0)); then
		state=SKIPPED
	else
		state=ok
	fi
	if ((c > 0)); then
		passed=$((passed + c - f - e)); failed=$((failed + f + e))
		((rc != 0 && f + e == 0)) && failed=$((failed + 1))
	else
		case $state in
		ok) passed=$((passed + 1)) ;;
		FAILED) failed=$((failed + 1)) ;;
		esac
	fi
	skipped=$((skipped + nskip))
	rows+=("$(printf '%-16s %-8s %4ss  checks=%s' "$step" "$state" "$took" "$c")")
done

echo
echo "==> summary (logs in $logs/)"
printf '  %s\n' "${rows[@]}"
grep -ahE '^SKIPPED:' "$logs"/*.log 2>/dev/null | sed 's/^/  /' | sort -u
echo "tests: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
