/*
 * pool: the entry point of the process manager (php-fpm's fpm.c and fpm_conf.c).
 * Declares the pool settings, checks how they combine, then runs the master: open
 * the listening socket, map the scoreboard, start the workers, and loop on signals
 * and a 100 ms heartbeat (php-fpm's fpm_event loop) until told to stop.
 */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool_internal.h"

static int check_pm(const char *value, char *why, size_t whylen)
{
	if (strcmp(value, "static") == 0 || strcmp(value, "dynamic") == 0)
		return 0;
	snprintf(why, whylen, "'%s' is not static or dynamic", value);
	return -1;
}

static int check_uint_or_empty(const char *value, char *why, size_t whylen)
{
	return *value ? setting_check_uint(value, why, whylen) : 0;
}

static int check_mode(const char *value, char *why, size_t whylen)
{
	if (!*value)
		return 0;
	char *end;
	long v = strtol(value, &end, 8);
	if (*end || v < 0 || v > 0777) {
		snprintf(why, whylen, "'%s' is not an octal file mode such as 0660", value);
		return -1;
	}
	return 0;
}

static int check_bool(const char *value, char *why, size_t whylen)
{
	if (strcmp(value, "0") == 0 || strcmp(value, "1") == 0)
		return 0;
	snprintf(why, whylen, "'%s' is not 0 or 1", value);
	return -1;
}

static int check_path(const char *value, char *why, size_t whylen)
{
	if (!*value || (value[0] == '/' && strlen(value) < 255 && !strpbrk(value, "?# ")))
		return 0;
	snprintf(why, whylen, "'%s' must be empty or a path starting with / (no query)", value);
	return -1;
}

const struct setting_def pool_settings[] = {
	{ "LISTEN", "", setting_check_listen,
	  "unix:/path.sock or host:port; empty: systemd socket (LISTEN_FDS) or fd 0" },
	{ "LISTEN_BACKLOG", "511", setting_check_positive, "listen(2) backlog" },
	{ "LISTEN_OWNER", "", NULL, "unix socket owner (user name or uid); empty: ours" },
	{ "LISTEN_GROUP", "", NULL, "unix socket group (group name or gid); empty: ours" },
	{ "LISTEN_MODE", "", check_mode, "unix socket mode, octal; empty: 0660" },
	{ "PM", "static", check_pm, "process manager: static or dynamic" },
	{ "WORKERS", "4", setting_check_positive,
	  "static: the number of workers; dynamic: the most workers (pm.max_children)" },
	{ "PM_START_SERVERS", "", check_uint_or_empty,
	  "dynamic: workers at start; empty: min + (max spare - min spare) / 2" },
	{ "PM_MIN_SPARE_SERVERS", "", check_uint_or_empty,
	  "dynamic: fewest idle workers; empty: 1" },
	{ "PM_MAX_SPARE_SERVERS", "", check_uint_or_empty,
	  "dynamic: most idle workers; empty: max(min spare, WORKERS / 2)" },
	{ "MAX_REQUESTS", "0", setting_check_uint,
	  "recycle a worker after this many requests; 0: never" },
	{ "REQUEST_TIMEOUT", "0", setting_check_uint,
	  "seconds before a worker stuck in one request is killed; 0: never" },
	{ "SLOW_REQUEST_TIMEOUT", "0", setting_check_uint,
	  "milliseconds after which a request is counted and logged as slow; 0: never" },
	{ "STATUS_PATH", "", check_path, "status page path; empty: /-/status/<pool name>" },
	{ "PING_PATH", "/-/ping", check_path, "ping path (answers pong); empty: none" },
	{ "PID_FILE", "", NULL, "write the master's pid here; empty: none" },
	{ "RELOAD_EXEC", "1", check_bool,
	  "1: SIGUSR2 re-executes the program (binary upgrades); 0: only replaces workers" },
	{ NULL, NULL, NULL, NULL },
};

static _Noreturn void bad_setting(const char *name, const char *why)
{
	fprintf(stderr, "%s: setting %s: %s\n", program_invocation_short_name, name, why);
	exit(2);
}

static int opt_int(const char *name, int fallback)
{
	const char *v = settings_str(name);
	return *v ? (int)settings_long(name) : fallback;
}

/* php-fpm's fpm_conf checks: the dynamic numbers must nest, in one line. */
static void config_load(const struct pool_app *app, struct pool_config *c)
{
	memset(c, 0, sizeof *c);
	c->name = app->name ? app->name : "pool";
	c->listen = settings_str("LISTEN");
	c->backlog = (int)settings_long("LISTEN_BACKLOG");
	c->pm = strcmp(settings_str("PM"), "dynamic") == 0 ? PM_DYNAMIC : PM_STATIC;
	c->max_children = (int)settings_long("WORKERS");
	c->max_requests = settings_long("MAX_REQUESTS");
	c->request_timeout_ms = settings_long("REQUEST_TIMEOUT") * 1000;
	c->slow_request_ms = settings_long("SLOW_REQUEST_TIMEOUT");
	c->pid_file = settings_str("PID_FILE");
	c->reload_exec = settings_long("RELOAD_EXEC") == 1;
	const char *sp = settings_str("STATUS_PATH");
	if (*sp)
		snprintf(c->status_path, sizeof c->status_path, "%s", sp);
	else
		snprintf(c->status_path, sizeof c->status_path, "/-/status/%s", c->name);
	snprintf(c->ping_path, sizeof c->ping_path, "%s", settings_str("PING_PATH"));
	if (c->max_children > 1000)
		bad_setting("WORKERS", "more than 1000 workers: size the pool to the cores and "
		                       "the database, see docs/pool.md");

	const char *dyn[] = { "PM_START_SERVERS", "PM_MIN_SPARE_SERVERS", "PM_MAX_SPARE_SERVERS" };
	if (c->pm == PM_STATIC) {
		for (size_t i = 0; i < 3; i++)
			if (*settings_str(dyn[i]))
				bad_setting(dyn[i], "only applies with PM=dynamic");
		c->start_servers = c->min_spare = c->max_spare = c->max_children;
	} else {
		c->min_spare = opt_int("PM_MIN_SPARE_SERVERS", 1);
		int half = c->max_children / 2;
		c->max_spare =
		        opt_int("PM_MAX_SPARE_SERVERS", half > c->min_spare ? half : c->min_spare);
		c->start_servers = opt_int("PM_START_SERVERS",
		                           c->min_spare + (c->max_spare - c->min_spare) / 2);
		char why[200];
		if (c->min_spare < 1)
			bad_setting("PM_MIN_SPARE_SERVERS", "must be at least 1");
		if (c->max_spare < c->min_spare) {
			snprintf(why, sizeof why, "%d is less than PM_MIN_SPARE_SERVERS (%d)",
			         c->max_spare, c->min_spare);
			bad_setting("PM_MAX_SPARE_SERVERS", why);
		}
		if (c->max_spare > c->max_children) {
			snprintf(why, sizeof why, "%d is more than WORKERS (%d)", c->max_spare,
			         c->max_children);
			bad_setting("PM_MAX_SPARE_SERVERS", why);
		}
		if (c->start_servers < c->min_spare || c->start_servers > c->max_spare) {
			snprintf(why, sizeof why,
			         "%d is not between PM_MIN_SPARE_SERVERS (%d) and "
			         "PM_MAX_SPARE_SERVERS (%d)",
			         c->start_servers, c->min_spare, c->max_spare);
			bad_setting("PM_START_SERVERS", why);
		}
	}
	int is_unix = strncmp(c->listen, "unix:", 5) == 0;
	const char *uopt[] = { "LISTEN_OWNER", "LISTEN_GROUP", "LISTEN_MODE" };
	for (size_t i = 0; i < 3; i++)
		if (!is_unix && *settings_str(uopt[i]))
			bad_setting(uopt[i], "only applies to LISTEN=unix:/path");
	if (*c->status_path && strcmp(c->status_path, c->ping_path) == 0)
		bad_setting("PING_PATH", "must differ from STATUS_PATH");
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

static int master_loop(struct pool_master *m)
{
	struct timespec kill_deadline = { 0, 0 };
	for (;;) {
		struct pollfd p = { .fd = m->sfd, .events = POLLIN };
		int backoff = pool_children_backoff_ms(m);
		int timeout = backoff > 0 && backoff < 100 ? backoff : 100;
		if (poll(&p, 1, timeout) < 0 && errno != EINTR) {
			log_kv(LOG_ERROR, "poll failed", "error", strerror(errno), NULL);
			return 1;
		}
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
				if (m->cfg->reload_exec)
					pool_exec_reload(m); /* returns only if it could not */
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
	}
}

int pool_run(const struct pool_app *app)
{
	static struct pool_config cfg;
	config_load(app, &cfg);
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
	m.sb = pool_sb_create(&cfg);
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
	char workers[16];
	snprintf(workers, sizeof workers, "%d", cfg.max_children);
	log_kv(LOG_INFO, "pool started", "listen", *cfg.listen ? cfg.listen : listener.path, "pm",
	       cfg.pm == PM_STATIC ? "static" : "dynamic", "workers", workers, "status",
	       cfg.status_path, NULL);

	int rc = master_loop(&m);

	pool_listen_close(&listener);
	if (*cfg.pid_file)
		unlink(cfg.pid_file);
	pool_sb_destroy(m.sb);
	close(m.sfd);
	log_kv(LOG_INFO, "pool stopped", NULL);
	return rc;
}
