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
 * LISTEN, LISTEN_BACKLOG, LISTEN_OWNER/GROUP/MODE, PM, WORKERS, MAX_REQUESTS,
 * REQUEST_TIMEOUT, … : include this table in the program's settings_load() tables.
 */
extern const struct setting_def pool_settings[];

/* Run the pool with the loaded settings; returns the master's exit status. */
int pool_run(const struct pool_app *app);

#endif
