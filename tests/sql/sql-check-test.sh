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
# The backend's sessions run MySQL 8.0's default sql_mode (the local MariaDB's too:
# scripts/stack.sh), STRICT_ALL_TABLES standing in for STRICT_TRANS_TABLES.
mysql8=$(sed -n 's/^MYSQL8_SQL_MODE=//p' scripts/stack.sh)
session=$(tr -d '\n' <fcgi-backend/db.c | grep -o "sql_mode = '[^;]*;" | tr -d '" \t' | sed "s/sql_mode='//; s/'.*//")
[[ -n $mysql8 && -n $session ]] || { echo "FAIL: no MYSQL8_SQL_MODE in scripts/stack.sh or no sql_mode in fcgi-backend/db.c" >&2; exit 1; }
for flag in ${mysql8//,/ }; do
	[[ $flag == STRICT_TRANS_TABLES ]] && flag=STRICT_ALL_TABLES
	[[ ,$session, == *",$flag,"* ]] || { echo "FAIL: the backend's session sql_mode ($session) lacks MySQL 8.0's $flag" >&2; exit 1; }
done
echo "ok the backend's session sql_mode holds MySQL 8.0's default ($session)"
echo "ok sql-check reports all $n constructs of $sample, reads C literals (joined) and skips comments"
python3 scripts/sql-compat.py
