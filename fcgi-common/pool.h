/*
 * pool: the process manager both services run under, after php-fpm's fpm core.
 * A master process owns the listening socket and supervises prefork workers; each
 * worker accepts FastCGI requests and hands them to the application's handler. The
 * pool itself answers the status and ping paths (php-fpm's pm.status_path and
 * ping.path), so the application never sees them.
 *
 * Signals (php-fpm's): SIGTERM/SIGINT fast stop, SIGQUIT graceful stop, SIGUSR1
 * reopen logs, SIGUSR2 graceful rolling reload. See docs/pool.md.
 */
#ifndef FCGI_POOL_H
#define FCGI_POOL_H

#include <fcgiapp.h>

#include "settings.h"

struct pool_app {
	const char *name; /* "backend" or "frontend": the status page's "pool" */
	/* In each new worker before it accepts; non-zero means the worker cannot serve
	 * (it exits, and the master backs off if that keeps happening). May be NULL. */
	int (*worker_init)(void *ctx);
	/* In a worker that is about to exit normally. May be NULL. */
	void (*worker_exit)(void *ctx);
	/* One request. Writes the whole response to req->out; the pool finishes it. */
	void (*handle)(FCGX_Request *req, void *ctx);
	void *ctx;
};

/*
 * LISTEN, LISTEN_BACKLOG, LISTEN_OWNER/GROUP/MODE, PM, WORKERS, PM_START_SERVERS,
 * PM_MIN/MAX_SPARE_SERVERS, MAX_REQUESTS, REQUEST_TIMEOUT (s), SLOW_REQUEST_TIMEOUT
 * (ms), STATUS_PATH, PING_PATH, PID_FILE, RELOAD_EXEC: include this table in the
 * program's settings_load() tables. docs/pool.md describes each.
 */
extern const struct setting_def pool_settings[];

/*
 * Run the pool with the loaded settings; returns the master's exit status (0 after a
 * stop by signal, 1 when it cannot listen). Bad pool settings exit 2 with one line.
 * SIGUSR2 re-executes the program with the same arguments: everything main() does
 * before pool_run() also runs then, and once more in a settings check
 * (FCGI_POOL_CHECK=1, where pool_run() exits 0 right after checking).
 */
int pool_run(const struct pool_app *app);

#endif
