#!/usr/bin/env bash
# check.sh: `make replica-check` (part of `make test`): the replica rig works — a row
# written on the primary reaches the replica; a paused replica really lags (so a test
# that reads from it can tell the primary from the replica); the replica refuses the
# app user's writes (read_only); stopping leaves no MariaDB process behind. Starts and
# stops its own rig under RIG_DIR (.run/test-replica).
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
cleanup() { "$rig" stop >/dev/null 2>&1 || true; }
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

"$rig" stop >/dev/null
alive=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
if ((alive == 0)); then ok; else bad "a MariaDB of the rig is still running after stop"; fi

echo "replica-check: $passed passed, $failed failed"
((failed == 0))
