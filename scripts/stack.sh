#!/usr/bin/env bash
# stack.sh: the local stack — a private MariaDB, the backend and frontend pools and
# nginx — all state under RUN_DIR. Never touches the system's MariaDB or nginx: every
# process is started with its own files and stopped by the pid this script recorded.
#
#   scripts/stack.sh start     start in the background; returns once the stack answers
#   scripts/stack.sh run       start in the foreground; Ctrl-C (or SIGTERM) stops all
#   scripts/stack.sh stop      stop everything, leaving no process behind
#   scripts/stack.sh status    what is running
#   scripts/stack.sh db-stop   stop only MariaDB (tests of the database going away)
#   scripts/stack.sh db-start  start MariaDB again
#   scripts/stack.sh migrate   apply the migrations to the stack's database
#   scripts/stack.sh token NAME  a new API token for the stack (printed; tests, benches)
#
# Environment: RUN_DIR (default .run), PORT (nginx on 127.0.0.1:PORT, default 8080),
# DB_TCP_PORT (MariaDB also on 127.0.0.1:PORT; default: unix socket only),
# DB_TLS=1 (MariaDB also speaks TLS, with a CA and certificate for 127.0.0.1 and
# localhost made under RUN_DIR/tls: tests of the ssl-mode settings),
# BACKEND_WORKERS / FRONTEND_WORKERS (default 2 each), BUILD (default build),
# EDITOR_NAME (the local editor, default "editor"; its password is generated into
# RUN_DIR/editor-password),
# FRONTEND_BACKEND_URL (default fcgi://unix:RUN_DIR/backend.sock: the pool straight),
# BACKEND_METRICS_LISTEN / FRONTEND_METRICS_LISTEN (each pool master's own HTTP
# /metrics, METRICS_LISTEN; default off), SCHED_POLICY (batch, the default: the pools'
# workers and nginx run under SCHED_BATCH, so on a shared core the process a request
# is handed to does not preempt the one that handed it over (docs/pool.md, "CPU
# scheduling"); inherit: they keep this shell's policy), NGINX_SCHED_POLICY (nginx's
# alone, default SCHED_POLICY; MariaDB stands in for the managed database and keeps
# the system's policy). LOG_FORMAT and
# nginx/render.sh's NGINX_* settings (e.g. NGINX_STUB_STATUS, NGINX_LOG_FORMAT) pass
# through the environment.
# Writes RUN_DIR/env (BASE_URL, MYSQL_SOCKET, DATABASE_URI, …) for tests to source.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RUN_DIR=${RUN_DIR:-.run}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
PORT=${PORT:-8080}
DB_TCP_PORT=${DB_TCP_PORT:-}
DB_TLS=${DB_TLS:-}
# MySQL 8.0's default sql_mode (production runs RDS MySQL 8.0): every check that uses this
# MariaDB runs its SQL under the same rules (ONLY_FULL_GROUP_BY, NO_ZERO_DATE, ...).
MYSQL8_SQL_MODE=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION
TLS_DIR=$RUN_DIR/tls
BACKEND_WORKERS=${BACKEND_WORKERS:-2}
FRONTEND_WORKERS=${FRONTEND_WORKERS:-2}
BUILD=${BUILD:-build}
BACKEND_METRICS_LISTEN=${BACKEND_METRICS_LISTEN:-}
FRONTEND_METRICS_LISTEN=${FRONTEND_METRICS_LISTEN:-}
BACKEND_BIN=$ROOT/$BUILD/fcgi-backend
FRONTEND_BIN=$ROOT/$BUILD/fcgi-frontend
SCHED_POLICY=${SCHED_POLICY:-batch}
NGINX_SCHED_POLICY=${NGINX_SCHED_POLICY:-$SCHED_POLICY}
CHRT=$(readlink -f "$(command -v chrt || echo /usr/bin/chrt)")
MARIADBD=$(readlink -f "$(command -v mariadbd || echo /usr/sbin/mariadbd)")
NGINX=$(readlink -f "$(command -v nginx || echo /usr/sbin/nginx)")

LOGS=$RUN_DIR/logs
PIDS=$RUN_DIR/pids
DATADIR=$RUN_DIR/mariadb
SOCK=$RUN_DIR/mysql.sock
DB_NAME=users
DB_USER=fcgi
# A password with characters that need percent-encoding, so every local run exercises
# the URI decoding the managed database's passwords need.
DB_PASS='l0cal p@ss/%'
DB_PASS_ENC='l0cal%20p%40ss%2F%25'
DATABASE_URI="mysql://$DB_USER:$DB_PASS_ENC@localhost/$DB_NAME?socket=$SOCK"
# The pools connect as the least-privilege app user that `fcgi-backend migrate` creates
# (rows of the app's tables only, fcgi-backend/db_grants.c), its password in a file the
# backend re-reads when the server refuses the one it has (rotation without restart).
APP_DB_USER=fcgi_app
APP_DB_PASSWORD_FILE=$RUN_DIR/app_db_password
APP_DATABASE_URI="mysql://$APP_DB_USER@localhost/$DB_NAME?socket=$SOCK"
BASE_URL="http://127.0.0.1:$PORT"
EDITOR_NAME=${EDITOR_NAME:-editor}
EDITOR_PASSWORD_FILE=$RUN_DIR/editor-password

say() { printf 'stack: %s\n' "$*"; }
die() {
	printf 'stack: %s\n' "$*" >&2
	exit 1
}

if ((${#SOCK} > 107)); then
	die "RUN_DIR path too long for a unix socket: $SOCK"
fi

# ---- processes, by pid file ------------------------------------------------------

live_pid() { # name -> the pid its pid file names, if that process is alive
	local f=$PIDS/$1.pid pid
	[[ -f $f ]] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

pid_of() { # name -> pid if alive and still ours, else nothing
	local pid
	pid=$(live_pid "$1") || return 1
	# A recycled pid would belong to another program: check it runs the binary we
	# started (by /proc/PID/exe: a pool may rewrite its command line; a rebuilt binary
	# shows as "path (deleted)").
	local exe
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	# (chrt: the instant before it execs the program it starts, SCHED_POLICY below.)
	[[ $exe == "$2" || $exe == "$2 (deleted)" || $exe == "$CHRT" ]] || return 1
	echo "$pid"
}

# stop_proc name exe [signal]: TERM (or signal), wait up to 15 s, then KILL.
stop_proc() {
	local name=$1 marker=$2 sig=${3:-TERM} pid
	if pid=$(pid_of "$name" "$marker"); then
		kill "-$sig" "$pid" 2>/dev/null || true
		for _ in $(seq 150); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			say "$name (pid $pid) did not stop; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		say "stopped $name"
	elif pid=$(live_pid "$name"); then
		# Alive but not our binary: a reused pid, or a stack started from another
		# checkout with this RUN_DIR. Never signalled; said, and its pid file kept so
		# that checkout's stop still finds it (a start here writes a new one).
		say "$name: pid $pid runs $(readlink "/proc/$pid/exe" 2>/dev/null || echo '?'), not $marker; left running"
		return 0
	fi
	rm -f "$PIDS/$name.pid"
}

# spawn name command…: run in the background, detached from the terminal's signals in
# start mode (so `make start` can return), as a child we wait for in run mode.
spawn() {
	local name=$1
	shift
	if [[ $MODE == run ]]; then
		"$@" >>"$LOGS/$name.log" 2>&1 &
	else
		setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
	fi
	echo $! >"$PIDS/$name.pid"
}

# The pools put their own workers under SCHED_POLICY (and refuse a bad value); nginx,
# which has no such setting, is started under NGINX_SCHED_POLICY by chrt (it execs
# nginx: the pid stays nginx's).
nginx_sched=()
sched_init() {
	local v
	for v in SCHED_POLICY NGINX_SCHED_POLICY; do
		[[ ${!v} == batch || ${!v} == inherit ]] || die "$v is batch or inherit, not '${!v}'"
	done
	nginx_sched=()
	[[ $NGINX_SCHED_POLICY == inherit ]] || nginx_sched=(chrt --batch 0)
}

wait_for() { # seconds description command…
	local secs=$1 what=$2
	shift 2
	for _ in $(seq $((secs * 10))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "$what did not come up within ${secs}s (logs in $LOGS/)"
}

# ---- MariaDB -----------------------------------------------------------------------

db_user_flag=()
if [[ $(id -u) == 0 ]]; then db_user_flag=(--user=root); fi

db_install() {
	[[ -d $DATADIR/mysql ]] && return 0
	say "creating a private MariaDB in $DATADIR"
	mkdir -p "$DATADIR" "$RUN_DIR/tmp"
	# A private tmpdir: installs running at the same time in /tmp collide on names.
	mariadb-install-db --no-defaults --datadir="$DATADIR" "${db_user_flag[@]}" \
		--tmpdir="$RUN_DIR/tmp" \
		--auth-root-authentication-method=socket --skip-test-db \
		>"$LOGS/mariadb-install.log" 2>&1 ||
		die "mariadb-install-db failed (see $LOGS/mariadb-install.log)"
}

# A throwaway CA and a server certificate for localhost / 127.0.0.1 (DB_TLS=1).
tls_certs() {
	[[ -s $TLS_DIR/server.pem ]] && return 0
	mkdir -p "$TLS_DIR"
	(
		cd "$TLS_DIR"
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=fcgi-users local CA" \
			-keyout ca.key -out ca.pem
		openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
			-keyout server.key -out server.csr
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-days 3650 -extfile san.ext -out server.pem
	) >"$LOGS/tls.log" 2>&1 || die "could not make TLS certificates (see $LOGS/tls.log)"
}

db_start() {
	if pid_of mariadb "$MARIADBD" >/dev/null; then return 0; fi
	db_install
	local net=(--skip-networking)
	if [[ -n $DB_TCP_PORT ]]; then net=(--bind-address=127.0.0.1 --port="$DB_TCP_PORT"); fi
	if [[ $DB_TLS == 1 ]]; then
		tls_certs
		net+=(--ssl-ca="$TLS_DIR/ca.pem" --ssl-cert="$TLS_DIR/server.pem"
			--ssl-key="$TLS_DIR/server.key")
	fi
	rm -f "$SOCK"
	mkdir -p "$RUN_DIR/tmp"
	spawn mariadb "$MARIADBD" --no-defaults --datadir="$DATADIR" "${db_user_flag[@]}" \
		--tmpdir="$RUN_DIR/tmp" \
		--socket="$SOCK" --pid-file="$RUN_DIR/mariadb.pid" "${net[@]}" \
		--log-error="$LOGS/mariadb-error.log" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
		--sql-mode="$MYSQL8_SQL_MODE" \
		--innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 \
		--skip-log-bin --max-connections=200
	wait_for 60 MariaDB mariadb-admin --no-defaults --socket="$SOCK" -uroot ping
	say "MariaDB answers on $SOCK${DB_TCP_PORT:+ and 127.0.0.1:$DB_TCP_PORT}"
}

db_stop() {
	stop_proc mariadb "$MARIADBD"
}

db_setup() {
	# The admin user (migrate's, the tests' SQL) may do anything on this private,
	# loopback-only instance: the integration tests create throwaway databases (legacy
	# upgrades) with it. The pools use the app user migrate creates (APP_DB_USER).
	mariadb --no-defaults --socket="$SOCK" -uroot <<-SQL
		CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
		CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
		CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
		GRANT ALL ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
		GRANT ALL ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
	SQL
}

migrate() {
	if [[ ! -s $APP_DB_PASSWORD_FILE ]]; then
		(umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$APP_DB_PASSWORD_FILE")
	fi
	DATABASE_URI=$DATABASE_URI MIGRATIONS_DIR=$ROOT/sql APP_DATABASE_USER=$APP_DB_USER \
		APP_DATABASE_HOST=localhost APP_DATABASE_PASSWORD_FILE=$APP_DB_PASSWORD_FILE \
		"$BACKEND_BIN" migrate
}

# The local editor (issue 17): one account with a generated password kept in
# RUN_DIR/editor-password (0600), added once; printed at start like Jenkins prints
# its first admin password.
editor_setup() {
	if [[ ! -s $EDITOR_PASSWORD_FILE ]]; then
		(umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$EDITOR_PASSWORD_FILE")
	fi
	DATABASE_URI=$DATABASE_URI "$BACKEND_BIN" editor add "$EDITOR_NAME" \
		--password-file "$EDITOR_PASSWORD_FILE" --exists-ok >>"$LOGS/editor.log" 2>&1 ||
		die "could not add the local editor (see $LOGS/editor.log)"
}

# ---- pools and nginx ---------------------------------------------------------------

backend_start() {
	rm -f "$RUN_DIR/backend.sock"
	spawn backend env DATABASE_URI="$APP_DATABASE_URI" \
		DATABASE_PASSWORD_FILE="$APP_DB_PASSWORD_FILE" LISTEN="unix:$RUN_DIR/backend.sock" \
		WORKERS="$BACKEND_WORKERS" METRICS_LISTEN="$BACKEND_METRICS_LISTEN" \
		SCHED_POLICY="$SCHED_POLICY" "$BACKEND_BIN"
	wait_for 20 "the backend pool" test -S "$RUN_DIR/backend.sock"
}

frontend_start() {
	[[ -x $FRONTEND_BIN ]] || {
		say "no $BUILD/fcgi-frontend yet: pages will answer 502"
		return 0
	}
	local key=$RUN_DIR/secret_key
	if [[ ! -s $key ]]; then
		(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$key")
	fi
	rm -f "$RUN_DIR/frontend.sock"
	# The frontend asks the backend pool straight over FastCGI (no second pass through
	# nginx); BACKEND_URL=http://… through nginx works too (FRONTEND_BACKEND_URL).
	spawn frontend env BACKEND_URL="${FRONTEND_BACKEND_URL:-fcgi://unix:$RUN_DIR/backend.sock}" \
		SECRET_KEY_FILE="$key" \
		LISTEN="unix:$RUN_DIR/frontend.sock" WORKERS="$FRONTEND_WORKERS" \
		METRICS_LISTEN="$FRONTEND_METRICS_LISTEN" SCHED_POLICY="$SCHED_POLICY" "$FRONTEND_BIN"
	wait_for 20 "the frontend pool" test -S "$RUN_DIR/frontend.sock"
}

nginx_start() {
	local prefix=$RUN_DIR/nginx
	mkdir -p "$prefix/logs"
	nginx/render.sh local --listen "127.0.0.1:$PORT" \
		--backend "unix:$RUN_DIR/backend.sock" --frontend "unix:$RUN_DIR/frontend.sock" \
		--static-root "$ROOT/build/static" --prefix "$prefix" \
		--backend-workers "$BACKEND_WORKERS" --frontend-workers "$FRONTEND_WORKERS" \
		-o "$RUN_DIR/nginx.conf"
	"$NGINX" -t -q -c "$RUN_DIR/nginx.conf" -p "$prefix" -g 'daemon off;' 2>>"$LOGS/nginx.log" ||
		die "nginx rejects $RUN_DIR/nginx.conf (see $LOGS/nginx.log)"
	spawn nginx "${nginx_sched[@]}" "$NGINX" -c "$RUN_DIR/nginx.conf" -p "$prefix" -g 'daemon off;'
}

# Wait for the API through nginx; give up at once if nginx is gone (port taken…).
wait_ready() {
	for _ in $(seq 300); do
		ready && return 0
		if ! pid_of nginx "$NGINX" >/dev/null; then
			tail -n 3 "$LOGS/nginx.log" >&2
			die "nginx exited (is 127.0.0.1:$PORT taken? see $LOGS/nginx.log)"
		fi
		sleep 0.1
	done
	die "the stack ($BASE_URL/api/v1/ready) did not answer within 30s (logs in $LOGS/)"
}

write_env() {
	cat >"$RUN_DIR/env" <<-EOF
		# Written by scripts/stack.sh for tests and tools: source it.
		RUN_DIR='$RUN_DIR'
		PORT='$PORT'
		BASE_URL='$BASE_URL'
		MYSQL_SOCKET='$SOCK'
		DB_TCP_PORT='$DB_TCP_PORT'
		TLS_CA='${DB_TLS:+$TLS_DIR/ca.pem}'
		DB_NAME='$DB_NAME'
		DB_USER='$DB_USER'
		DB_PASS='$DB_PASS'
		DATABASE_URI='$DATABASE_URI'
		APP_DB_USER='$APP_DB_USER'
		APP_DB_PASSWORD_FILE='$APP_DB_PASSWORD_FILE'
		BACKEND_SOCKET='$RUN_DIR/backend.sock'
		FRONTEND_SOCKET='$RUN_DIR/frontend.sock'
		LOGS='$LOGS'
		EDITOR_NAME='$EDITOR_NAME'
		EDITOR_PASSWORD_FILE='$EDITOR_PASSWORD_FILE'
	EOF
}

ready() { curl -fsS -o /dev/null --max-time 2 "$BASE_URL/api/v1/ready" 2>/dev/null; }

start_all() {
	[[ -x $BACKEND_BIN ]] || die "$BUILD/fcgi-backend is missing: run make first"
	sched_init
	mkdir -p "$LOGS" "$PIDS"
	if pid_of nginx "$NGINX" >/dev/null && ready; then
		write_env
		if [[ $MODE == run ]]; then
			trap - INT TERM EXIT
			die "already running in the background at $BASE_URL (make stop first)"
		fi
		say "already running at $BASE_URL"
		return 0
	fi
	# Leftovers of a stack that died: stop what is left, keep the data.
	stop_all quiet
	# A start that fails part way stops what it started: no process is left behind.
	trap '[[ ${started:-0} == 1 ]] || stop_all quiet' EXIT
	db_start
	db_setup
	migrate
	editor_setup
	backend_start
	frontend_start
	nginx_start
	write_env
	wait_ready
	started=1
	say "up at $BASE_URL (state and logs in $RUN_DIR)"
	say "sign in at $BASE_URL/sign-in as '$EDITOR_NAME' with the password $(<"$EDITOR_PASSWORD_FILE") (kept in $EDITOR_PASSWORD_FILE)"
}

stop_all() {
	stop_proc nginx "$NGINX" QUIT
	stop_proc frontend "$FRONTEND_BIN"
	stop_proc backend "$BACKEND_BIN"
	db_stop
	[[ ${1:-} == quiet ]] || say "stopped (data kept in $DATADIR)"
}

status() {
	local rc=0 name marker
	for pair in "mariadb:$MARIADBD" "backend:$BACKEND_BIN" "frontend:$FRONTEND_BIN" \
		"nginx:$NGINX"; do
		name=${pair%%:*} marker=${pair#*:}
		if pid=$(pid_of "$name" "$marker"); then
			printf '%-9s running (pid %s)\n' "$name" "$pid"
		else
			printf '%-9s stopped\n' "$name"
			[[ $name == frontend && ! -x $FRONTEND_BIN ]] || rc=1
		fi
	done
	return $rc
}

MODE=${1:-}
case $MODE in
start) start_all ;;
run)
	trap 'trap - INT TERM EXIT; echo; stop_all; exit 0' INT TERM
	start_all
	trap 'stop_all' EXIT
	say "running in the foreground; Ctrl-C stops it. Logs: $LOGS/"
	# Wait for any child: if one dies, stop the rest rather than limp along.
	wait -n || true
	say "stopping (Ctrl-C, or a process of the stack exited)"
	;;
stop) stop_all ;;
status) status ;;
db-stop)
	mkdir -p "$PIDS" "$LOGS"
	MODE=start
	db_stop
	;;
db-start)
	mkdir -p "$PIDS" "$LOGS"
	MODE=start
	db_start
	;;
migrate) migrate ;;
token)
	[[ -n ${2:-} ]] || die "usage: scripts/stack.sh token NAME"
	mkdir -p "$LOGS"
	DATABASE_URI=$DATABASE_URI "$BACKEND_BIN" token create --name "$2" 2>>"$LOGS/editor.log"
	;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 2
	;;
esac
