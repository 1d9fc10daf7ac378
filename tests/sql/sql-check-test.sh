#!/usr/bin/env bash
# sql-check-test.sh (make sql-check): scripts/sql-compat.py passes the project's SQL and
# reports every construct of tests/sql/mariadb-only.sql.txt (and the old VALUES() form
# of migration 004, in a C literal too, so the C scan is proven).
set -euo pipefail
cd "$(dirname "$0")/../.."
sample=tests/sql/mariadb-only.sql.txt
out=$(python3 scripts/sql-compat.py "$sample") && { echo "FAIL: sql-check passed $sample" >&2; exit 1; }
n=0
while read -r want; do
	grep -qF -- "$want" <<<"$out" || { echo "FAIL: sql-check did not report: $want" >&2; echo "$out" >&2; exit 1; }
	n=$((n + 1))
done < <(sed -n 's/^-- expect: //p' "$sample")
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf 'static const char q[] = "INSERT INTO c (id, n) SELECT 1, COUNT(*) FROM u "\n\t"ON DUPLICATE KEY UPDATE n = VALUES(n)";\n/* RETURNING in a comment is not SQL */\n' >"$t/q.c"
out=$(python3 scripts/sql-compat.py "$t/q.c") && { echo "FAIL: sql-check passed VALUES() in a C literal" >&2; exit 1; }
[[ $(grep -c 'problem\|VALUES()' <<<"$out") -ge 1 && $out != *RETURNING* ]] ||
	{ echo "FAIL: sql-check on C: $out" >&2; exit 1; }
echo "ok sql-check reports all $n constructs of $sample, reads C literals (joined) and skips comments"
python3 scripts/sql-compat.py
