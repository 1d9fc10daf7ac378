#!/usr/bin/env bash
# check.sh: `make bench-check` (part of `make test`): proves the benchmark compares like
# with like. It starts the local stack and the peers (bench/peers.sh) on their own run
# dir and ports, then asks every stack the same questions and requires the same answers
# as ours: identical bodies for the list page (A–Z and newest first, search, paging,
# empty, escaping), GET /backend and the API list, search and sorts; and the same
# statuses for the writes the write mix sends (201 with a Location, 204, 404, 409, 422). Stops all it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

for tool in php-fpm8.2 /usr/bin/gunicorn nginx mariadb curl; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIPPED: bench-check: $tool is not installed (make deps installs it)"
		exit 0
	fi
done
/usr/bin/python3 -c 'import flask, sqlalchemy, pymysql, requests' 2>/dev/null || {
	echo "SKIPPED: bench-check: the Flask peer's Python packages are missing (make deps)"
	exit 0
}

export RUN_DIR=${BENCH_CHECK_RUN_DIR:-.run/bench-check}
export PORT=${BENCH_CHECK_PORT:-18550}
export PEERS_RUN=$RUN_DIR/peers PEERS_WORKERS=2 PEERS_KEEPALIVE=0 NGINX_WORKERS=2
export PORT_STATIC=$((PORT + 10)) PORT_FCGI=$((PORT + 11)) PORT_PHP=$((PORT + 20))
export PORT_FLASK=$((PORT + 30))
export CEILING_BIN=$root/build/bench/fcgi_static
work=$(mktemp -d)
export CEILING_DIR=$work/ceiling
mkdir -p "$CEILING_DIR"
printf 'ceiling\n' >"$CEILING_DIR/page.html"

cleanup() {
	bench/peers.sh stop || true
	scripts/stack.sh stop >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
scripts/stack.sh stop >/dev/null 2>&1 || true
rm -rf "$RUN_DIR"
BACKEND_WORKERS=2 FRONTEND_WORKERS=2 scripts/stack.sh start >"$work/stack.log" 2>&1 || {
	cat "$work/stack.log"
	echo "bench-check: the local stack did not start" >&2
	exit 1
}
# shellcheck disable=SC1091
source "$RUN_DIR/env"
export DB_USER DB_PASSWORD=$DB_PASS DB_NAME DB_SOCKET=$MYSQL_SOCKET
bench/peers.sh start

passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
# Writes are an editor's on ours (a token for this run); the peers have no sign-in
# and ignore the header, as they ignore it in the write mix.
auth="Authorization: Bearer $(scripts/stack.sh token "bench-check-$$")"
post() { # url name -> status and Location, one line
	curl -s -o /dev/null -w '%{http_code} %header{location}\n' -X POST -H "$auth" \
		-H 'Content-Type: application/json' -d "{\"userName\":\"$2\"}" "$1/api/v1/users"
}

# Enough users for two pages, one with a name that needs escaping.
for i in $(seq 1 24); do
	[[ $(post "$BASE_URL" "Mab$i") == 201* ]] || bad "ours: POST Mab$i"
done
[[ $(post "$BASE_URL" "<b>&'x") == 201* ]] || bad "ours: POST a name with markup"

urls=("/" "/?page=2" "/?page=9" "/?sort=newest" "/?sort=newest&page=2" "/?q=Ma"
	"/?q=Ma&page=2" "/?q=Ma&sort=newest" "/?q=zz" "/?q=%3Cb" "/backend" "/api/v1/users"
	"/api/v1/users?q=mab1" "/api/v1/users?limit=3&offset=4" "/api/v1/users?q=M&limit=2&offset=1"
	"/api/v1/users?sort=name&limit=3&offset=2" "/api/v1/users?sort=-id&limit=3"
	"/api/v1/users?q=m&sort=-name&limit=2")
for u in "${urls[@]}"; do
	# The peers link the stylesheet by its plain name; ours by its fingerprinted one
	# (the build's: scripts/static-assets.sh): the same file, compared as the same.
	curl -s "$BASE_URL$u" | sed -E 's#/static/(style|favicon)\.[0-9a-f]{10}\.(css|svg)#/static/\1.\2#' >"$work/ours"
	for peer in php flask; do
		port=$PORT_PHP
		[[ $peer == flask ]] && port=$PORT_FLASK
		curl -s "http://127.0.0.1:$port$u" >"$work/$peer"
		if cmp -s "$work/ours" "$work/$peer"; then
			ok
		else
			bad "$peer: GET $u differs from ours"
			diff "$work/ours" "$work/$peer" | head -6 || true
		fi
	done
done

# The writes of the write mix: same statuses, and the counter stays true.
for peer in php flask; do
	port=$PORT_PHP
	[[ $peer == flask ]] && port=$PORT_FLASK
	url=http://127.0.0.1:$port
	read -r code loc < <(post "$url" "peer-$peer")
	if [[ $code == 201 && $loc =~ ^/api/v1/users/[0-9]+$ ]]; then ok; else bad "$peer: POST gave '$code $loc'"; fi
	if [[ $(post "$url" "PEER-$peer" | cut -d' ' -f1) == 409 ]]; then ok; else bad "$peer: a taken name (any case) is not 409"; fi
	if [[ $(post "$url" "" | cut -d' ' -f1) == 422 ]]; then ok; else bad "$peer: an empty name is not 422"; fi
	code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "$auth" "$url${loc:-/api/v1/users/0}")
	if [[ $code == 204 ]]; then ok; else bad "$peer: DELETE $loc gave $code"; fi
	code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "$auth" "$url${loc:-/api/v1/users/0}")
	if [[ $code == 404 ]]; then ok; else bad "$peer: DELETE of a deleted user gave $code"; fi
done
counted=$(mariadb --no-defaults --socket="$MYSQL_SOCKET" -uroot -N -B "$DB_NAME" \
	-e 'SELECT (SELECT users FROM user_count WHERE id = 1) = (SELECT COUNT(*) FROM users)')
if [[ $counted == 1 ]]; then ok; else bad "user_count no longer matches the rows after the peers' writes"; fi

echo "bench-check: $passed passed, $failed failed"
((failed == 0))
