#!/usr/bin/env bash
# scripts/vm/db.sh start|stop RUN_DIR: the test VM's "managed database", a throwaway
# MariaDB under RUN_DIR/db listening on 127.0.0.1:$VM_DB_PORT only (the VM reaches it
# at qemu's gateway, 10.0.2.2). `start` creates the empty `users` database and the
# master user (fcgi_admin, password $FCGI_USERS_DB_ADMIN_PASSWORD) with the privileges
# RDS gives its master (all but SUPER and the like, WITH GRANT OPTION), like RDS hands
# over an empty schema; the playbook's migration, as that master, does the rest and
# creates the pools' own user. It speaks TLS like RDS, with
# a throwaway CA (RUN_DIR/db/tls/ca.pem) and a certificate for 10.0.2.2, the address
# the VM reaches it at, so the playbook's VERIFY_IDENTITY is tested for real; the user
# must use TLS (REQUIRE SSL). `stop` stops it by its pid file and removes its data.
set -euo pipefail

cmd=${1:?usage: db.sh start|stop RUN_DIR}
run=${2:?usage: db.sh start|stop RUN_DIR}
VM_DB_PORT=${VM_DB_PORT:-18633}
dir=$run/db
die() { echo "vm db: $*" >&2; exit 1; }

stop() {
	local pid
	if [[ -s $dir/mariadbd.pid ]]; then
		pid=$(cat "$dir/mariadbd.pid")
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid"
			for _ in $(seq 1 30); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.5
			done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
		fi
	fi
	rm -rf "$dir"
}

case $cmd in
start)
	: "${FCGI_USERS_DB_ADMIN_PASSWORD:?set FCGI_USERS_DB_ADMIN_PASSWORD}"
	for tool in mariadbd mariadb-install-db mariadb openssl; do
		command -v "$tool" >/dev/null || die "$tool not found: run 'make deps'"
	done
	if (exec 3<>"/dev/tcp/127.0.0.1/$VM_DB_PORT") 2>/dev/null; then
		die "127.0.0.1:$VM_DB_PORT is already in use"
	fi
	stop
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
		--auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 ||
		{ cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
	tls=$dir/tls
	mkdir -p "$tls"
	(
		cd "$tls"
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fcgi-users vm-test CA" -keyout ca.key -out ca.pem
		openssl req -newkey rsa:2048 -nodes -subj "/CN=10.0.2.2" -keyout server.key -out server.csr
		printf 'subjectAltName=IP:10.0.2.2\n' >san.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem
	) >"$dir/tls.log" 2>&1 || { cat "$dir/tls.log" >&2; die "could not make the TLS certificates"; }
	mariadbd --no-defaults --datadir="$dir/data" --user="$(id -un)" \
		--ssl-ca="$tls/ca.pem" --ssl-cert="$tls/server.pem" --ssl-key="$tls/server.key" \
		--bind-address=127.0.0.1 --port="$VM_DB_PORT" --socket="$dir/mysql.sock" \
		--pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
		--skip-name-resolve --innodb-buffer-pool-size=64M --character-set-server=utf8mb4 \
		--collation-server=utf8mb4_unicode_ci </dev/null >/dev/null 2>&1 &
	for _ in $(seq 1 60); do
		mariadb --no-defaults --socket="$dir/mysql.sock" -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.5
	done
	mariadb --no-defaults --socket="$dir/mysql.sock" -e 'SELECT 1' >/dev/null 2>&1 ||
		{ tail -n 20 "$dir/error.log" >&2; die "mariadbd did not start"; }
	pw=${FCGI_USERS_DB_ADMIN_PASSWORD//\\/\\\\}
	pw=${pw//\'/\\\'}
	# RDS MySQL's master privileges (its documented list, in MariaDB's names).
	mariadb --no-defaults --socket="$dir/mysql.sock" <<SQL
CREATE DATABASE users CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'fcgi_admin'@'%' IDENTIFIED BY '$pw' REQUIRE SSL;
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX,
  ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE,
  REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER,
  EVENT, TRIGGER ON *.* TO 'fcgi_admin'@'%' WITH GRANT OPTION;
SQL
	echo "vm db: MariaDB on 127.0.0.1:$VM_DB_PORT (pid $(cat "$dir/mariadbd.pid"))" >&2
	;;
stop) stop ;;
*) die "unknown command '$cmd' (start|stop)" ;;
esac
