#!/usr/bin/env bash
# rules-check.sh (make prometheus-check): the Prometheus rules of prometheus/ are valid
# (promtool check rules), behave as their tests say (promtool test rules: each alert
# fires on its case and stays quiet on the other), the test can fail (a copy of the
# rules with the 5xx threshold raised must fail it), and the chart ships the same file.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
command -v promtool >/dev/null ||
	{ echo "SKIPPED: prometheus-check: promtool is not installed (make deps: prometheus)"; exit 0; }
checks=0 fails=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }
rules=prometheus/fcgi-users.rules.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if out=$(promtool check rules "$rules" 2>&1); then ok "promtool check rules: $(grep -o '[0-9]* rules found' <<<"$out")"; else bad "promtool check rules: $out"; fi
for t in prometheus/tests/*.test.yml; do
	if out=$(promtool test rules "$t" 2>&1); then ok "promtool test rules $t"; else bad "promtool test rules $t: $out"; fi
done
# The tests must notice a broken rule.
sed 's/ratio_rate5m > 0.05/ratio_rate5m > 0.5/' "$rules" >"$tmp/fcgi-users.rules.yml"
mkdir -p "$tmp/tests" && cp prometheus/tests/*.test.yml "$tmp/tests/"
if ! cmp -s "$rules" "$tmp/fcgi-users.rules.yml" && ! promtool test rules "$tmp"/tests/*.test.yml >/dev/null 2>&1; then
	ok "the rule tests fail on a rule with a wrong threshold"
else
	bad "the rule tests pass a broken rule (or the threshold was not found)"
fi
if cmp -s "$rules" helm/fcgi-users/files/prometheus/fcgi-users.rules.yml; then
	ok "the chart's files/prometheus/ is prometheus/fcgi-users.rules.yml"
else
	bad "helm/fcgi-users/files/prometheus/fcgi-users.rules.yml differs: run 'make prometheus-chart-files'"
fi
echo "prometheus-check: Checks: $checks, Failures: $fails, Errors: 0"
((fails == 0))
