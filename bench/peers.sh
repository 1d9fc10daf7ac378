#!/usr/bin/env bash
# peers.sh: start and stop what `make bench` compares the project with: the ceiling
# (nginx serving the same bytes from a file, and nginx in front of the minimal FastCGI
# program bench/ceiling/fcgi_static) and the peers (the same two services in Flask under
# gunicorn and in PHP under a private php-fpm), all behind one private nginx.
# Everything lives under $PEERS_RUN; every process is stopped by its pid file.
#
# Usage: bench/peers.sh start|stop
# Environment (bench/run.sh sets it): PEERS_RUN, PEERS_WORKERS (per pool), NGINX_WORKERS,
#   PEERS_KEEPALIVE (upstream keep-alive connections per nginx worker, sized by the rule of
#   the project's nginx; 0 = off),
#   PORT_STATIC PORT_FCGI PORT_PHP PORT_FLASK, DB_SOCKET DB_USER DB_PASSWORD DB_NAME,
#   CEILING_BIN (the built fcgi_static), CEILING_DIR (the bytes it serves),
#   NGINX_SCHED_POLICY (inherit, the default, or batch: the peers' nginx runs under the
#   same policy as the stack's nginx, as it gets the same upstream keep-alive).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
run=${PEERS_RUN:?PEERS_RUN is not set}
case $run in /*) ;; *) run=$root/$run ;; esac
peers=$root/bench/peers

stop_pidfile() { # stop the process in a pid file and wait for it (at most 10 s)
	local f=$1 pid
	[[ -s $f ]] || return 0
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$f"
}

wait_socket() { # wait until a unix socket exists (at most 15 s)
	for _ in $(seq 150); do
		[[ -S $1 ]] && return 0
		sleep 0.1
	done
	echo "peers.sh: $2 did not come up (no $1); see $run/logs/" >&2
	return 1
}

fill() { # render a @VAR@ template
	local ka_line="" keep_conn=off
	if ((PEERS_KEEPALIVE > 0)); then
		ka_line="keepalive $PEERS_KEEPALIVE; keepalive_timeout 10s; keepalive_requests 500;" keep_conn=on
	fi
	sed -e "s|@KEEPALIVE_LINE@|$ka_line|" -e "s|@KEEP_CONN@|$keep_conn|" \
		 -e "s|@RUN@|$run|g" -e "s|@PEERS@|$peers|g" -e "s|@WORKERS@|$PEERS_WORKERS|g" \
		-e "s|@NGINX_WORKERS@|${NGINX_WORKERS:-auto}|g" \
		-e "s|@PORT_STATIC@|$PORT_STATIC|g" -e "s|@PORT_FCGI@|$PORT_FCGI|g" \
		-e "s|@PORT_PHP@|$PORT_PHP|g" -e "s|@PORT_FLASK@|$PORT_FLASK|g" \
		-e "s|@DB_SOCKET@|$DB_SOCKET|g" -e "s|@DB_USER@|$DB_USER|g" \
		-e "s|@DB_PASSWORD@|$DB_PASSWORD|g" -e "s|@DB_NAME@|$DB_NAME|g" \
		-e "s|@BACKEND_URL@|http://127.0.0.1:$PORT_PHP|g" "$1"
}

start() {
	stop
	mkdir -p "$run"/{logs,tmp,ceiling}
	cp "$CEILING_DIR"/* "$run/ceiling/"

	"$CEILING_BIN" "$run/ceiling.sock" "$PEERS_WORKERS" "$run/ceiling" \
		>>"$run/logs/ceiling.log" 2>&1 &
	echo $! >"$run/ceiling.pid"

	fill bench/peers/php/pool.conf.in >"$run/php-fpm.conf"
	php-fpm8.2 --nodaemonize --allow-to-run-as-root --fpm-config "$run/php-fpm.conf" \
		>>"$run/logs/php-fpm.log" 2>&1 &

	local uri
	uri=$(python3 -c 'import sys, urllib.parse as u; q = lambda s: u.quote(s, safe="")
print(f"mysql+pymysql://{q(sys.argv[1])}:{q(sys.argv[2])}@localhost/{sys.argv[3]}"
      f"?unix_socket={q(sys.argv[4])}&charset=utf8mb4")' "$DB_USER" "$DB_PASSWORD" "$DB_NAME" "$DB_SOCKET")
	(cd "$peers/flask" && DATABASE_URI=$uri BIND=unix:$run/flask-backend.sock \
		PIDFILE=$run/flask-backend.pid ERRORLOG=$run/logs/flask-backend.log \
		WORKERS=$PEERS_WORKERS /usr/bin/gunicorn -c gunicorn.conf.py backend:app \
		>>"$run/logs/flask-backend.log" 2>&1 &)
	(cd "$peers/flask" && BACKEND_URL=http://127.0.0.1:$PORT_FLASK \
		BIND=unix:$run/flask-frontend.sock PIDFILE=$run/flask-frontend.pid \
		ERRORLOG=$run/logs/flask-frontend.log WORKERS=$PEERS_WORKERS \
		/usr/bin/gunicorn -c gunicorn.conf.py frontend:app \
		>>"$run/logs/flask-frontend.log" 2>&1 &)

	fill bench/nginx.conf.in >"$run/nginx.conf"
	local sched=()
	[[ ${NGINX_SCHED_POLICY:-inherit} == inherit ]] || sched=(chrt --batch 0)
	"${sched[@]}" nginx -e "$run/logs/nginx-error.log" -p "$run" -c "$run/nginx.conf"

	wait_socket "$run/ceiling.sock" fcgi_static
	wait_socket "$run/php-backend.sock" php-fpm
	wait_socket "$run/flask-backend.sock" "gunicorn (backend)"
	wait_socket "$run/flask-frontend.sock" "gunicorn (frontend)"
	[[ -s $run/nginx.pid ]] || {
		echo "peers.sh: nginx did not start; see $run/logs/nginx-error.log" >&2
		return 1
	}
	# The first answers of freshly started workers (imports, first connections) can take
	# seconds on a loaded machine: ask each peer's page until it answers.
	wait_http "http://127.0.0.1:$PORT_PHP/" PHP
	wait_http "http://127.0.0.1:$PORT_FLASK/" Flask
}

wait_http() { # url name: 200 within 60 s
	for _ in $(seq 120); do
		[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1") == 200 ]] && return 0
		sleep 0.5
	done
	echo "peers.sh: $2 does not answer 200 at $1; see $run/logs/" >&2
	return 1
}

stop() {
	[[ -d $run ]] || return 0
	stop_pidfile "$run/nginx.pid"
	stop_pidfile "$run/flask-frontend.pid"
	stop_pidfile "$run/flask-backend.pid"
	stop_pidfile "$run/php-fpm.pid"
	stop_pidfile "$run/ceiling.pid"
}

case ${1:-} in
start) start ;;
stop) stop ;;
*)
	echo "usage: bench/peers.sh start|stop" >&2
	exit 2
	;;
esac
