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

/*
 * What the program runs under the pool. svc is the service: the program's own struct of
 * per-worker state (a database connection, an HTTP client…). The master makes it before
 * forking, so each worker gets its own copy; the pool hands it to every hook.
 */
struct pool_app {
	const char *name; /* "backend" or "frontend": the status page's "pool" */
	void *svc;
	/* In each new worker before it accepts; non-zero means the worker cannot serve
	 * (it exits, and the master backs off if that keeps happening). May be NULL. */
	int (*worker_init)(void *svc);
	/* In a worker that is about to exit normally. May be NULL. */
	void (*worker_exit)(void *svc);
	/* One request: writes the whole response to req->out (the pool finishes it).
	 * Reads app->svc and app->handler_data. */
	void (*handle)(FCGX_Request *req, const struct pool_app *app);
	const void *handler_data; /* what handle needs besides svc (http: the routes) */
};

enum pm_style { PM_STATIC, PM_DYNAMIC };

/* The pool settings (pool_settings fills the first part), checked by pool_run. */
struct pool_config {
	const char *listen; /* as given; "" for an inherited socket */
	int backlog;
	const char *listen_owner, *listen_group; /* "": ours */
	int listen_mode;                         /* -1: 0660 */
	int pm;                                  /* enum pm_style */
	int max_children;                        /* WORKERS */
	int start_servers, min_spare, max_spare; /* -1 until computed */
	int max_requests;                        /* 0: never recycle */
	int request_timeout;                     /* s; 0: never kill */
	int slow_request_ms;                     /* 0: never count */
	const char *status_path;                 /* "": /-/status/<pool name> */
	const char *ping_path;
	const char *pid_file;
	int reload_exec;            /* SIGUSR2 re-executes the program */
	const char *metrics_listen; /* "": the master serves no HTTP /metrics */
	int sched;                  /* enum pool_sched: the workers' CPU scheduling policy */
};

/* SCHED_POLICY: batch, each worker runs under SCHED_BATCH (a peer it wakes with a
 * request or an answer does not preempt it); inherit, the policy the master started
 * with (systemd's CPUSchedulingPolicy=, chrt). docs/pool.md says why batch. */
enum pool_sched { POOL_SCHED_BATCH, POOL_SCHED_INHERIT };

/*
 * LISTEN, LISTEN_BACKLOG, LISTEN_OWNER/GROUP/MODE, PM, WORKERS, PM_START_SERVERS,
 * PM_MIN/MAX_SPARE_SERVERS, MAX_REQUESTS, REQUEST_TIMEOUT (s), SLOW_REQUEST_TIMEOUT
 * (ms), STATUS_PATH, PING_PATH, PID_FILE, RELOAD_EXEC, METRICS_LISTEN, SCHED_POLICY,
 * into a struct pool_config: list it in the program's settings_load() blocks.
 * docs/pool.md describes each.
 */
extern const struct setting pool_settings[];

/* In a worker, after answering: count the answer's HTTP status in the scoreboard
 * (fcgi_pool_responses_total{code}). Outside a pool (tests) it does nothing. */
void pool_note_status(int status);

/*
 * Run the pool; returns the master's exit status (0 after a stop by signal, 1 when it
 * cannot listen). Settings that do not combine (php-fpm's fpm_conf checks) exit 2 with
 * one line. SIGUSR2 re-executes the program with the same arguments: everything main()
 * does before pool_run() also runs then, and once more in a settings check
 * (FCGI_POOL_CHECK=1, where pool_run() exits 0 right after checking).
 */
int pool_run(const struct pool_app *app, const struct pool_config *cfg);

#endif
