/*
 * pool: the entry point of the process manager (php-fpm's fpm.c and fpm_conf.c).
 * Declares the pool settings, checks how they combine, then runs the master: open
 * the listening socket, map the scoreboard, start the workers, and loop on signals
 * and a 100 ms heartbeat (php-fpm's fpm_event loop) until told to stop.
 */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool_internal.h"
#include "pool_metrics.h"
#include "pool_notify.h"

static const char *const pm_names[] = { "static", "dynamic", NULL };
static const char *const sched_names[] = { "batch", "inherit", NULL }; /* enum pool_sched */

static int set_listen(const struct setting *s, const char *value, void *field, char *why,
                      size_t whylen)
{
	if (pool_listen_check(value, why, whylen) != 0)
		return -1;
	return setting_text(s, value, field, why, whylen);
}

static int set_path(const struct setting *s, const char *value, void *field, char *why,
                    size_t whylen)
{
	if (*value && (value[0] != '/' || strlen(value) >= 255 || strpbrk(value, "?# "))) {
		snprintf(why, whylen, "'%s' must be empty or a path starting with / (no query)",
		         value);
		return -1;
	}
	return setting_text(s, value, field, why, whylen);
}

static int set_metrics_listen(const struct setting *s, const char *value, void *field, char *why,
                              size_t whylen)
{
	if (*value && pool_metrics_check_listen(value, why, whylen) != 0)
		return -1;
	return setting_text(s, value, field, why, whylen);
}

#define CONF(field) offsetof(struct pool_config, field)

const struct setting pool_settings[] = {
	{ .name = "LISTEN",
	  .set = set_listen,
	  .offset = CONF(listen),
	  .fallback = "",
	  .help = "unix:/path.sock or host:port; empty: systemd socket (LISTEN_FDS) or fd 0" },
	{ .name = "LISTEN_BACKLOG",
	  .set = setting_int,
	  .offset = CONF(backlog),
	  .fallback = "511",
	  .min = 1,
	  .max = INT_MAX,
	  .help = "listen(2) backlog" },
	{ .name = "LISTEN_OWNER",
	  .set = setting_text,
	  .offset = CONF(listen_owner),
	  .fallback = "",
	  .help = "unix socket owner (user name or uid); empty: ours" },
	{ .name = "LISTEN_GROUP",
	  .set = setting_text,
	  .offset = CONF(listen_group),
	  .fallback = "",
	  .help = "unix socket group (group name or gid); empty: ours" },
	{ .name = "LISTEN_MODE",
	  .set = setting_mode,
	  .offset = CONF(listen_mode),
	  .fallback = "",
	  .help = "unix socket mode, octal; empty: 0660" },
	{ .name = "PM",
	  .set = setting_choice,
	  .choices = pm_names,
	  .offset = CONF(pm),
	  .fallback = "static",
	  .help = "process manager: static or dynamic" },
	{ .name = "WORKERS",
	  .set = setting_int,
	  .offset = CONF(max_children),
	  .fallback = "4",
	  .min = 1,
	  .max = 1000,
	  .help = "static: the number of workers; dynamic: the most workers (pm.max_children)" },
	{ .name = "PM_START_SERVERS",
	  .set = setting_int_or_unset,
	  .offset = CONF(start_servers),
	  .fallback = "",
	  .min = 0,
	  .max = INT_MAX,
	  .help = "dynamic: workers at start; empty: min + (max spare - min spare) / 2" },
	{ .name = "PM_MIN_SPARE_SERVERS",
	  .set = setting_int_or_unset,
	  .offset = CONF(min_spare),
	  .fallback = "",
	  .min = 0,
	  .max = INT_MAX,
	  .help = "dynamic: fewest idle workers; empty: 1" },
	{ .name = "PM_MAX_SPARE_SERVERS",
	  .set = setting_int_or_unset,
	  .offset = CONF(max_spare),
	  .fallback = "",
	  .min = 0,
	  .max = INT_MAX,
	  .help = "dynamic: most idle workers; empty: max(min spare, WORKERS / 2)" },
	{ .name = "MAX_REQUESTS",
	  .set = setting_int,
	  .offset = CONF(max_requests),
	  .fallback = "0",
	  .min = 0,
	  .max = INT_MAX,
	  .help = "recycle a worker after this many requests; 0: never" },
	{ .name = "REQUEST_TIMEOUT",
	  .set = setting_int,
	  .offset = CONF(request_timeout),
	  .fallback = "0",
	  .min = 0,
	  .max = INT_MAX,
	  .help = "seconds before a worker stuck in one request is killed; 0: never" },
	{ .name = "SLOW_REQUEST_TIMEOUT",
	  .set = setting_int,
	  .offset = CONF(slow_request_ms),
	  .fallback = "0",
	  .min = 0,
	  .max = INT_MAX,
	  .help = "milliseconds after which a request is counted and logged as slow; 0: never" },
	{ .name = "STATUS_PATH",
	  .set = set_path,
	  .offset = CONF(status_path),
	  .fallback = "",
	  .help = "status page path; empty: /-/status/<pool name>" },
	{ .name = "PING_PATH",
	  .set = set_path,
	  .offset = CONF(ping_path),
	  .fallback = "/-/ping",
	  .help = "ping path (answers pong); empty: none" },
	{ .name = "PID_FILE",
	  .set = setting_text,
	  .offset = CONF(pid_file),
	  .fallback = "",
	  .help = "write the master's pid here; empty: none" },
	{ .name = "RELOAD_EXEC",
	  .set = setting_flag,
	  .offset = CONF(reload_exec),
	  .fallback = "1",
	  .help = "1: SIGUSR2 re-executes the program (binary upgrades); 0: only replaces "
	          "workers" },
	{ .name = "METRICS_LISTEN",
	  .set = set_metrics_listen,
	  .offset = CONF(metrics_listen),
	  .fallback = "",
	  .help = "host:port where the master answers plain HTTP GET /metrics and /-/ping; "
	          "empty: off" },
	{ .name = "SCHED_POLICY",
	  .set = setting_choice,
	  .choices = sched_names,
	  .offset = CONF(sched),
	  .fallback = "batch",
	  .help = "workers' CPU scheduling: batch (SCHED_BATCH: a woken peer does not preempt "
	          "a worker) or inherit (the master's policy)" },
	{ 0 },
};

/* php-fpm's fpm_conf checks: the dynamic numbers must nest; unix-only settings; the
 * computed defaults. Each refusal is one line (settings_fail). */
static void config_check(struct pool_config *c, const char *pool_name)
{
	static char status_path[256];
	if (!*c->status_path) {
		snprintf(status_path, sizeof status_path, "/-/status/%s", pool_name);
		c->status_path = status_path;
	}
	static const char *const dyn[] = { "PM_START_SERVERS", "PM_MIN_SPARE_SERVERS",
		                           "PM_MAX_SPARE_SERVERS" };
	const int given[] = { c->start_servers, c->min_spare, c->max_spare };
	if (c->pm == PM_STATIC) {
		for (size_t i = 0; i < 3; i++)
			if (given[i] >= 0)
				settings_fail(dyn[i], "only applies with PM=dynamic");
		c->start_servers = c->min_spare = c->max_spare = c->max_children;
	} else {
		if (c->min_spare < 0)
			c->min_spare = 1;
		int half = c->max_children / 2;
		if (c->max_spare < 0)
			c->max_spare = half > c->min_spare ? half : c->min_spare;
		if (c->start_servers < 0)
			c->start_servers = c->min_spare + (c->max_spare - c->min_spare) / 2;
		if (c->min_spare < 1)
			settings_fail("PM_MIN_SPARE_SERVERS", "must be at least 1");
		if (c->max_spare < c->min_spare)
			settings_fail("PM_MAX_SPARE_SERVERS",
			              "%d is less than PM_MIN_SPARE_SERVERS (%d)", c->max_spare,
			              c->min_spare);
		if (c->max_spare > c->max_children)
			settings_fail("PM_MAX_SPARE_SERVERS", "%d is more than WORKERS (%d)",
			              c->max_spare, c->max_children);
		if (c->start_servers < c->min_spare || c->start_servers > c->max_spare)
			settings_fail("PM_START_SERVERS",
			              "%d is not between PM_MIN_SPARE_SERVERS (%d) and "
			              "PM_MAX_SPARE_SERVERS (%d)",
			              c->start_servers, c->min_spare, c->max_spare);
	}
	if (strncmp(c->listen, "unix:", 5) != 0) {
		if (*c->listen_owner)
			settings_fail("LISTEN_OWNER", "only applies to LISTEN=unix:/path");
		if (*c->listen_group)
			settings_fail("LISTEN_GROUP", "only applies to LISTEN=unix:/path");
		if (c->listen_mode >= 0)
			settings_fail("LISTEN_MODE", "only applies to LISTEN=unix:/path");
	}
	if (*c->status_path && strcmp(c->status_path, c->ping_path) == 0)
		settings_fail("PING_PATH", "must differ from STATUS_PATH");
}

static int write_pid_file(const char *path)
{
	if (!*path)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	ssize_t w = write(fd, buf, (size_t)n);
	close(fd);
	return w == n ? 0 : -1;
}

static void start_stop(struct pool_master *m, int sig, struct timespec *deadline)
{
	if (!m->stopping)
		pool_notify_stopping();
	if (sig == SIGQUIT && !m->stopping) {
		m->stopping = SIGQUIT;
		log_kv(LOG_INFO, "graceful stop: workers finish their requests, then exit", NULL);
		pool_children_signal(m, SIGQUIT, 0);
		return;
	}
	if (m->stopping == SIGTERM)
		return;
	m->stopping = SIGTERM;
	log_kv(LOG_INFO, "fast stop", "signal", strsignal(sig), NULL);
	pool_children_signal(m, SIGTERM, 0);
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += 2; /* then SIGKILL: a fast stop is fast */
}

static void reload(struct pool_master *m)
{
	m->sb->generation++;
	m->reload_pending = 1;
	clock_gettime(CLOCK_MONOTONIC, &m->reload_started);
	char gen[16];
	snprintf(gen, sizeof gen, "%u", m->sb->generation);
	log_kv(LOG_INFO, "reload: starting new workers; old ones finish their requests",
	       "generation", gen, NULL);
}

/* Old workers leave once the new generation is ready (or after 10 s regardless). */
static void reload_progress(struct pool_master *m)
{
	if (!m->reload_pending)
		return;
	int want = m->cfg->pm == PM_STATIC ? m->cfg->max_children : m->cfg->start_servers;
	int ready = pool_children_ready(m);
	if (ready < want && pool_ms_since(&m->reload_started) < 10000)
		return;
	m->reload_pending = 0;
	pool_children_signal(m, SIGQUIT, 1);
	char n[16];
	snprintf(n, sizeof n, "%d", ready);
	log_kv(LOG_INFO, "reload: new workers ready; old workers asked to finish", "ready", n,
	       NULL);
}

/* systemd (Type=notify): READY once the generation's workers have finished
 * worker_init — they can answer —, then the worker counts as STATUS when they change. */
static void notify_progress(struct pool_master *m)
{
	int idle, active, total;
	pool_sb_counts(m->sb, &idle, &active, &total);
	if (m->notified_ready) {
		pool_notify_status(idle, active, total);
		return;
	}
	int want = m->cfg->pm == PM_STATIC ? m->cfg->max_children : m->cfg->start_servers;
	if (m->reload_pending || pool_children_ready(m) < want)
		return;
	m->notified_ready = 1;
	pool_notify_ready(idle, active, total);
}

/* The master's own /metrics (METRICS_LISTEN): the status page's numbers. */
struct metrics_ctx {
	struct scoreboard *sb;
	const struct pool_listener *l;
};

static void render_metrics(void *ctx, FILE *out, int openmetrics)
{
	const struct metrics_ctx *c = ctx;
	pool_status_metrics(out, c->sb, c->l, openmetrics);
}

/* After a re-exec that failed: listen again (a failure here only loses metrics). */
static struct pool_metrics *metrics_reopen(struct pool_master *m)
{
	static struct metrics_ctx ctx;
	if (!*m->cfg->metrics_listen)
		return NULL;
	ctx = (struct metrics_ctx){ m->sb, m->listener };
	return pool_metrics_open(m->cfg->metrics_listen, render_metrics, &ctx);
}

static int master_loop(struct pool_master *m)
{
	struct timespec kill_deadline = { 0, 0 };
	for (;;) {
		/* The signalfd, then the metrics listener and its connections: served in
		 * the same loop, never blocking (pool_metrics.c bounds every client). */
		struct pollfd p[2 + POOL_METRICS_MAX_CONN] = { { .fd = m->sfd, .events = POLLIN } };
		int nm = pool_metrics_pollfds(m->metrics, p + 1, 1 + POOL_METRICS_MAX_CONN);
		int backoff = pool_children_backoff_ms(m);
		int timeout = backoff > 0 && backoff < 100 ? backoff : 100;
		if (poll(p, (nfds_t)(1 + nm), timeout) < 0 && errno != EINTR) {
			log_kv(LOG_ERROR, "poll failed", "error", strerror(errno), NULL);
			return 1;
		}
		pool_metrics_service(m->metrics, p + 1, nm);
		int sig;
		while ((sig = pool_signals_next(m->sfd)) > 0) {
			switch (sig) {
			case SIGCHLD:
				break; /* reaped below */
			case SIGTERM:
			case SIGINT:
			case SIGQUIT:
				start_stop(m, sig, &kill_deadline);
				break;
			case SIGUSR1:
				if (log_reopen() != 0)
					log_kv(LOG_ERROR, "cannot reopen the log file", "error",
					       strerror(errno), NULL);
				else
					log_kv(LOG_INFO, "log reopened", NULL);
				pool_children_signal(m, SIGUSR1, 0);
				break;
			case SIGUSR2:
				if (m->stopping)
					break;
				pool_notify_reloading();
				m->notified_ready = 0; /* READY again once the new workers are */
				if (m->cfg->reload_exec) {
					pool_metrics_close(
					        m->metrics); /* the new program binds it */
					m->metrics = NULL;
					pool_exec_reload(m); /* returns only if it could not */
					m->metrics = metrics_reopen(m);
				}
				reload(m);
				break;
			default:
				break;
			}
		}
		pool_children_reap(m);
		if (m->stopping) {
			/* Also wait for workers of the program before a re-exec. */
			if (pool_children_running(m) == 0 && !pool_exec_has_children())
				return 0;
			if (m->stopping == SIGTERM && pool_ms_since(&kill_deadline) >= 0)
				pool_children_signal(m, SIGKILL, 0);
			pool_pm_check_requests(m); /* REQUEST_TIMEOUT holds while stopping too */
			continue;
		}
		pool_pm_maintain(m);
		reload_progress(m);
		notify_progress(m);
	}
}

int pool_run(const struct pool_app *app, const struct pool_config *given)
{
	const char *name = app->name ? app->name : "pool";
	static struct pool_config cfg;
	cfg = *given;
	config_check(&cfg, name);
	if (getenv("FCGI_POOL_CHECK"))
		exit(0); /* pool_exec.c checks a new program's settings before exec */
	if (cfg.reload_exec && pool_exec_init() != 0)
		log_kv(LOG_WARN, "cannot read /proc/self: SIGUSR2 will only replace workers", NULL);
	if (FCGX_Init() != 0) {
		log_kv(LOG_ERROR, "FCGX_Init failed", NULL);
		return 1;
	}
	struct pool_listener listener;
	if (pool_listen_open(&cfg, &listener) != 0)
		return 1;
	struct pool_master m = { 0 };
	m.app = app;
	m.cfg = &cfg;
	m.listener = &listener;
	m.sb = pool_sb_create(&cfg, name);
	if (!m.sb) {
		log_kv(LOG_ERROR, "cannot map the scoreboard", "error", strerror(errno), NULL);
		pool_listen_close(&listener);
		return 1;
	}
	unsigned backlog = 0;
	if (pool_listen_queue(&listener, &backlog) >= 0)
		atomic_store(&m.sb->listen_queue_len, backlog);
	m.sfd = pool_signals_master_init();
	if (m.sfd < 0) {
		log_kv(LOG_ERROR, "cannot set up signals", "error", strerror(errno), NULL);
		pool_listen_close(&listener);
		pool_sb_destroy(m.sb);
		return 1;
	}
	if (write_pid_file(cfg.pid_file) != 0) {
		log_kv(LOG_ERROR, "cannot write the pid file", "path", cfg.pid_file, "error",
		       strerror(errno), NULL);
		pool_listen_close(&listener);
		pool_sb_destroy(m.sb);
		return 1;
	}
	static struct metrics_ctx mctx;
	mctx = (struct metrics_ctx){ m.sb, &listener };
	if (*cfg.metrics_listen) {
		m.metrics = pool_metrics_open(cfg.metrics_listen, render_metrics, &mctx);
		if (!m.metrics) { /* logged; a pool that was asked to be watched must be */
			pool_listen_close(&listener);
			pool_sb_destroy(m.sb);
			return 1;
		}
	}
	char workers[16];
	snprintf(workers, sizeof workers, "%d", cfg.max_children);
	log_kv(LOG_INFO, "pool started", "listen", *cfg.listen ? cfg.listen : listener.path, "pm",
	       cfg.pm == PM_STATIC ? "static" : "dynamic", "workers", workers, "status",
	       cfg.status_path, "metrics", m.metrics ? pool_metrics_address(m.metrics) : "off",
	       NULL);

	int rc = master_loop(&m);

	pool_metrics_close(m.metrics);
	pool_listen_close(&listener);
	if (*cfg.pid_file)
		unlink(cfg.pid_file);
	pool_sb_destroy(m.sb);
	close(m.sfd);
	log_kv(LOG_INFO, "pool stopped", NULL);
	return rc;
}
