#!/usr/bin/env bash
# measure-1m.sh: load a million users into a local stack and time the list and prefix
# search through nginx (once, by hand: speed is measured here, never asserted in tests).
#
#   RUN_DIR=.run/dev-backend PORT=18100 scripts/measure-1m.sh
#
# Starts the stack if needed; adds users named "<first name>-<n>" (a mix of 48 first
# names, so one-letter and name prefixes match realistic shares) until there are
# 1,000,000; resyncs the maintained count (fcgi-backend recount); prints per-URL
# timings (curl time_total over 21 runs: min / median / max).
set -euo pipefail
cd "$(dirname "$0")/.."
export RUN_DIR=${RUN_DIR:-.run/dev-backend} PORT=${PORT:-18100}
TARGET=${TARGET:-1000000}
scripts/stack.sh start >/dev/null
# shellcheck source=/dev/null
. "$RUN_DIR/env"
sql() { mariadb --no-defaults --socket="$MYSQL_SOCKET" -u"$DB_USER" -p"$DB_PASS" users -N -e "$1"; }

have=$(sql "SELECT COUNT(*) FROM users")
if ((have < TARGET)); then
	echo "loading $((TARGET - have)) users (have $have)…"
	start=$SECONDS
	sql "INSERT INTO users (userName, createdAt)
	     SELECT CONCAT(ELT(1 + seq % 48, 'Alice','Bob','Carol','Dave','Eve','Frank',
	       'Grace','Heidi','Ivan','Judy','Mallory','Niaj','Olivia','Peggy','Rupert',
	       'Sybil','Trent','Victor','Walter','Xena','Yusuf','Zoe','Amir','Bea','Chen',
	       'Dmitri','Elena','Fatima','Goran','Hana','Ines','Jamal','Kofi','Lena','Mateo',
	       'Nora','Omar','Priya','Quinn','Rosa','Sven','Tariq','Uma','Vera','Wen','Ximena',
	       'Yara','Zeynep'), '-', seq), UTC_TIMESTAMP()
	     FROM seq_1_to_$((TARGET - have))"
	echo "loaded in $((SECONDS - start)) s"
fi
DATABASE_URI=$DATABASE_URI build/fcgi-backend recount

time_url() { # path: min/median/max of 21 runs, after one warm-up
	local path=$1 t
	curl -fsS -o /dev/null "$BASE_URL$path"
	mapfile -t t < <(for _ in $(seq 21); do
		curl -fsS -o /dev/null -w '%{time_total}\n' "$BASE_URL$path"
	done | sort -n)
	local total
	total=$(curl -fsS "$BASE_URL$path" | jq -r '.total // length')
	printf '%-42s total=%-8s min %5.1f ms  median %5.1f ms  max %5.1f ms\n' "$path" "$total" \
		"$(echo "${t[0]} * 1000" | bc)" "$(echo "${t[10]} * 1000" | bc)" "$(echo "${t[20]} * 1000" | bc)"
}
echo "users: $(sql "SELECT users FROM user_count")"
for p in "/api/v1/users" "/api/v1/users?offset=500000&limit=50" "/api/v1/users?q=Al" \
	"/api/v1/users?q=a" "/api/v1/users?q=Zeynep-99" "/api/v1/users?q=Mateo-34" \
	"/api/v1/users?q=nobody"; do
	time_url "$p"
done
