#!/usr/bin/env bash
# rig.sh: a real MariaDB primary and replica on loopback, with binlog replication, for
# the tests of DATABASE_READ_URI (reads on the replica, read-your-writes on the
# primary). Both instances are private (their own data directories, sockets and ports
# under RIG_DIR; never the system's MariaDB) and are stopped by the pids recorded here.
#
#   tests/replica/rig.sh start    create (first time) and start both, replication running,
#                                 the database and the app user made on the primary
#   tests/replica/rig.sh stop     stop both, leaving no process behind
#   tests/replica/rig.sh pause    stop applying on the replica (it falls behind on purpose)
#   tests/replica/rig.sh resume   apply again and wait until the replica has caught up
#   tests/replica/rig.sh replica-stop   stop the replica alone (a replica that fails)
#   tests/replica/rig.sh sql primary|replica SQL   run SQL as root on one of them
#
# Environment: RIG_DIR (default .run/replica), RIG_PRIMARY_PORT (18191),
# RIG_REPLICA_PORT (18192). `start` writes RIG_DIR/env (PRIMARY_URI, REPLICA_URI,
# PRIMARY_SOCKET, REPLICA_SOCKET, DB_NAME, DB_USER, DB_PASS) for tests to source.
set -euo pipefail
cd "$(dirname "$0")/../.."

RIG_DIR=${RIG_DIR:-.run/replica}
mkdir -p "$RIG_DIR"
RIG_DIR=$(cd "$RIG_DIR" && pwd)
PRIMARY_PORT=${RIG_PRIMARY_PORT:-18191}
REPLICA_PORT=${RIG_REPLICA_PORT:-18192}
MARIADBD=$(readlink -f "$(command -v mariadbd || echo /usr/sbin/mariadbd)")
DB_NAME=users DB_USER=fcgi DB_PASS=rig-pass REPL_PASS=rig-repl
root_flag=()
[[ $(id -u) == 0 ]] && root_flag=(--user=root)

say() { printf 'replica rig: %s\n' "$*"; }
die() {
	printf 'replica rig: %s\n' "$*" >&2
	exit 1
}

sock() { echo "$RIG_DIR/$1.sock"; }
sql() { # primary|replica SQL
	mariadb --no-defaults --socket="$(sock "$1")" -uroot -N -B -e "$2"
}

pid_of() { # primary|replica -> pid when alive and ours
	local f=$RIG_DIR/$1.pid pid exe
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $exe == "$MARIADBD" || $exe == "$MARIADBD (deleted)" ]] || return 1
	echo "$pid"
}

start_one() { # name server-id port extra-args…
	local name=$1 id=$2 port=$3
	shift 3
	pid_of "$name" >/dev/null && return 0
	local data=$RIG_DIR/$name
	mkdir -p "$RIG_DIR/tmp-$name" "$RIG_DIR/logs"
	if [[ ! -d $data/mysql ]]; then
		mariadb-install-db --no-defaults --datadir="$data" "${root_flag[@]}" \
			--tmpdir="$RIG_DIR/tmp-$name" --auth-root-authentication-method=socket \
			--skip-test-db >"$RIG_DIR/logs/$name-install.log" 2>&1 ||
			die "mariadb-install-db failed for the $name (see $RIG_DIR/logs/)"
	fi
	rm -f "$(sock "$name")"
	setsid "$MARIADBD" --no-defaults --datadir="$data" "${root_flag[@]}" \
		--tmpdir="$RIG_DIR/tmp-$name" --socket="$(sock "$name")" \
		--bind-address=127.0.0.1 --port="$port" --server-id="$id" \
		--log-error="$RIG_DIR/logs/$name.log" --pid-file="$RIG_DIR/$name.mariadb.pid" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
		--innodb-buffer-pool-size=32M --innodb-log-file-size=16M --max-connections=60 \
		"$@" </dev/null >>"$RIG_DIR/logs/$name.log" 2>&1 &
	echo $! >"$RIG_DIR/$name.pid"
	for _ in $(seq 600); do
		mariadb-admin --no-defaults --socket="$(sock "$name")" -uroot ping >/dev/null 2>&1 &&
			return 0
		pid_of "$name" >/dev/null || die "the $name exited (see $RIG_DIR/logs/$name.log)"
		sleep 0.1
	done
	die "the $name did not answer within 60 s (see $RIG_DIR/logs/$name.log)"
}

stop_one() {
	local pid
	if pid=$(pid_of "$1"); then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$RIG_DIR/$1.pid"
}

# The replica has applied everything the primary has written (at most 30 s).
caught_up() {
	local pos
	pos=$(sql primary "SELECT @@gtid_binlog_pos")
	[[ -z $pos ]] && return 0
	[[ $(sql replica "SELECT MASTER_GTID_WAIT('$pos', 30)") == 0 ]] ||
		die "the replica did not catch up with the primary ($pos) within 30 s"
}

start() {
	start_one primary 1 "$PRIMARY_PORT" --log-bin="$RIG_DIR/primary/binlog" --binlog-format=ROW
	start_one replica 2 "$REPLICA_PORT" --read-only=1 --skip-log-bin \
		--relay-log="$RIG_DIR/replica/relay"
	if [[ ! -e $RIG_DIR/replicating ]]; then
		# Replicate from the primary's first binlog, so all that follows (users,
		# database, migrations) reaches the replica the way production's does.
		sql primary "CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY '$REPL_PASS';
			GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'"
		sql replica "STOP SLAVE; RESET SLAVE ALL;
			CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT,
			MASTER_USER='repl', MASTER_PASSWORD='$REPL_PASS', MASTER_USE_GTID=no,
			MASTER_LOG_FILE='binlog.000001', MASTER_LOG_POS=4; START SLAVE"
		sql primary "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
			CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
			CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
			GRANT ALL ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
			GRANT ALL ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost'"
		touch "$RIG_DIR/replicating"
	else
		sql replica "START SLAVE" # a restarted replica resumes where it stopped
	fi
	caught_up
	[[ $(sql replica "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$DB_NAME'") == 1 ]] ||
		die "replication does not work: the database did not reach the replica"
	cat >"$RIG_DIR/env" <<-EOF
		# Written by tests/replica/rig.sh: source it.
		PRIMARY_URI='mysql://$DB_USER:$DB_PASS@127.0.0.1:$PRIMARY_PORT/$DB_NAME'
		REPLICA_URI='mysql://$DB_USER:$DB_PASS@127.0.0.1:$REPLICA_PORT/$DB_NAME'
		PRIMARY_SOCKET='$(sock primary)'
		REPLICA_SOCKET='$(sock replica)'
		DB_NAME='$DB_NAME'
		DB_USER='$DB_USER'
		DB_PASS='$DB_PASS'
	EOF
	say "primary on 127.0.0.1:$PRIMARY_PORT, replica on 127.0.0.1:$REPLICA_PORT (state in $RIG_DIR)"
}

stop() {
	stop_one replica
	stop_one primary
	say "stopped"
}

case ${1:-} in
start) start ;;
stop) stop ;;
pause) sql replica "STOP SLAVE SQL_THREAD" ;;
replica-stop) stop_one replica ;;
resume)
	sql replica "START SLAVE SQL_THREAD"
	caught_up
	;;
sql) sql "${2:?primary or replica}" "${3:?SQL}" ;;
*)
	sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
