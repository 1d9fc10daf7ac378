#!/usr/bin/env bash
# check.sh: `make replica-check` (part of `make test`): the replica rig works — a row
# written on the primary reaches the replica; a paused replica really lags (so a test
# that reads from it can tell the primary from the replica); the replica refuses the
# app user's writes (read_only) — and the backend with DATABASE_READ_URI keeps the
# read-your-writes rule against it: while the replica lags, a read without the "just
# wrote" cookie does not see a fresh write (it went to the replica) and a read with it
# does (the primary); a replica that stops leaves reads to the primary. Stopping leaves
# no process behind. Starts and stops its own rig under RIG_DIR (.run/test-replica)
# and backend pool on 127.0.0.1:RIG_BACKEND_PORT (18193).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v mariadbd >/dev/null && [[ ! -x /usr/sbin/mariadbd ]]; then
	echo "SKIPPED: replica-check: mariadbd is not installed (make deps installs it)"
	exit 0
fi
export RIG_DIR=${RIG_DIR:-.run/test-replica}
rig=tests/replica/rig.sh
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
pids=()
backend_pid=
cleanup() {
	if [[ -n $backend_pid ]]; then
		kill -TERM "$backend_pid" 2>/dev/null || true
		wait "$backend_pid" 2>/dev/null || true
	fi
	"$rig" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

rm -rf "$RIG_DIR"
"$rig" start
for f in "$RIG_DIR"/primary.pid "$RIG_DIR"/replica.pid; do pids+=("$(cat "$f")"); done
# shellcheck disable=SC1091
source "$RIG_DIR/env"

# As the app user, over TCP, the way the backend connects.
app() { # port SQL
	mariadb --no-defaults -h127.0.0.1 -P"$1" -u"$DB_USER" -p"$DB_PASS" -N -B "$DB_NAME" -e "$2"
}
primary_port=${PRIMARY_URI##*:}
primary_port=${primary_port%%/*}
replica_port=${REPLICA_URI##*:}
replica_port=${replica_port%%/*}

app "$primary_port" "CREATE TABLE rig_probe (id INT PRIMARY KEY); INSERT INTO rig_probe VALUES (1)"
"$rig" resume # waits until the replica has applied it
if [[ $(app "$replica_port" "SELECT COUNT(*) FROM rig_probe") == 1 ]]; then ok; else bad "a row written on the primary did not reach the replica"; fi

"$rig" pause
app "$primary_port" "INSERT INTO rig_probe VALUES (2)"
sleep 1
if [[ $(app "$replica_port" "SELECT COUNT(*) FROM rig_probe") == 1 ]]; then ok; else bad "a paused replica applied a write"; fi
if [[ $(app "$primary_port" "SELECT COUNT(*) FROM rig_probe") == 2 ]]; then ok; else bad "the primary lost a write"; fi
"$rig" resume
if [[ $(app "$replica_port" "SELECT COUNT(*) FROM rig_probe") == 2 ]]; then ok; else bad "the resumed replica did not catch up"; fi

if app "$replica_port" "INSERT INTO rig_probe VALUES (3)" 2>/dev/null; then
	bad "the replica accepted the app user's write (it must be read-only)"
else
	ok
fi

# ---- the backend with DATABASE_READ_URI: reads on the replica, a writer's on the primary
backend=${BUILD:-build}/fcgi-backend
if [[ -x $backend ]] && command -v cgi-fcgi >/dev/null; then
	port=${RIG_BACKEND_PORT:-18193}
	DATABASE_URI=$PRIMARY_URI MIGRATIONS_DIR=sql "$backend" migrate >"$RIG_DIR/logs/migrate.log" 2>&1 ||
		bad "migrate on the primary failed (see $RIG_DIR/logs/migrate.log)"
	# Writes are an editor's (issue 17): an API token made on the primary.
	token=$(DATABASE_URI=$PRIMARY_URI "$backend" token create --name "rig-$$" 2>>"$RIG_DIR/logs/migrate.log" | tail -n1)
	[[ $token == fut_* ]] || bad "no API token for the rig's writes (see $RIG_DIR/logs/migrate.log)"
	"$rig" resume
	DATABASE_URI=$PRIMARY_URI DATABASE_READ_URI=$REPLICA_URI LISTEN=127.0.0.1:$port WORKERS=1 \
		"$backend" >"$RIG_DIR/logs/backend.log" 2>&1 &
	backend_pid=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
	# One FastCGI request as nginx would send it: METHOD URI [COOKIE [JSON]] -> the
	# answer (CGI headers, blank line, body) on stdout. A request with a body is a
	# write: it carries the token.
	ask() {
		local q=${2#*\?} body=${4:-} auth=()
		[[ $q == "$2" ]] && q=
		[[ -n $body ]] && auth=(HTTP_AUTHORIZATION="Bearer $token")
		printf '%s' "$body" | env -i REQUEST_METHOD="$1" REQUEST_URI="$2" DOCUMENT_URI="${2%%\?*}" \
			SCRIPT_NAME="${2%%\?*}" QUERY_STRING="$q" HTTP_COOKIE="${3:-}" "${auth[@]}" \
			CONTENT_TYPE=application/json CONTENT_LENGTH="${#body}" \
			cgi-fcgi -bind -connect "127.0.0.1:$port" 2>/dev/null | tr -d '\r'
	}
	status_of() { sed -n 's/^Status: \([0-9]*\).*/\1/p' | head -n1; }
	wrote="fcgi_users_wrote=1"

	"$rig" pause # the replica falls behind from here
	name="rig-$$"
	answer=$(ask POST /api/v1/users "" "{\"userName\":\"$name\"}")
	id=$(sed -n 's|^Location: /api/v1/users/\([0-9]*\)$|\1|p' <<<"$answer")
	if [[ $(status_of <<<"$answer") == 201 && -n $id ]]; then ok; else bad "POST through the backend: $answer"; fi
	got=$(ask GET "/api/v1/users/$id" | status_of)
	if [[ $got == 404 ]]; then ok; else bad "a read without the cookie went to the primary ($got): it must read the (lagging) replica"; fi
	got=$(ask GET "/api/v1/users/$id" "$wrote" | status_of)
	if [[ $got == 200 ]]; then ok; else bad "a client that has just written did not read its write ($got)"; fi
	got=$(ask GET "/api/v1/users?q=$name" "theme=dark; $wrote" | grep -o '"total":[0-9]*')
	if [[ $got == '"total":1' ]]; then ok; else bad "the writer's search misses its write ($got)"; fi
	got=$(ask GET "/backend" "" | grep -c "$name" || true)
	if [[ $got == 0 ]]; then ok; else bad "GET /backend without the cookie read the primary"; fi
	"$rig" resume
	got=$(ask GET "/api/v1/users/$id" | status_of)
	if [[ $got == 200 ]]; then ok; else bad "once the replica caught up, the read still misses ($got)"; fi
	# A replica that fails: reads go on from the primary.
	"$rig" replica-stop
	got=$(ask GET "/api/v1/users/$id" | status_of)
	if [[ $got == 200 ]]; then ok; else bad "with the replica down, a read failed ($got) instead of using the primary"; fi
	kill -TERM "$backend_pid" 2>/dev/null || true
	wait "$backend_pid" 2>/dev/null || true
	kill -0 "$backend_pid" 2>/dev/null && bad "the backend pool did not stop"
	backend_pid=
else
	echo "SKIPPED: replica-check: the backend's read-your-writes part ($backend or cgi-fcgi missing)"
fi

"$rig" stop >/dev/null
alive=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
if ((alive == 0)); then ok; else bad "a MariaDB of the rig is still running after stop"; fi

echo "replica-check: $passed passed, $failed failed"
((failed == 0))
