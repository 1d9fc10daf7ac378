/*
 * log: one event per line, text or JSON, written with a single write(2) so lines from
 * many worker processes sharing one file (or a container's stdout pipe: lines are at
 * most PIPE_BUF) never interleave. log_line.c builds the line so that it always parses
 * (cJSON for JSON, logfmt escaping for text). A worker serves one request at a time,
 * so the request id of the request in hand is process state: http.c sets it when a
 * request starts and clears it when it ends, and every line in between carries it,
 * whoever logs it (the dispatcher, a handler, the database layer).
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log_line.h"
#include "settings.h"

static const char *const level_names[] = { "debug", "info", "warn", "error", NULL };
static const char *const format_names[] = { "text", "json", NULL };

const struct setting log_settings[] = {
	{ .name = "LOG_FORMAT",
	  .set = setting_choice,
	  .choices = format_names,
	  .fallback = "text",
	  .offset = offsetof(struct log_config, format),
	  .help = "text or json (one JSON object a line)" },
	{ .name = "LOG_LEVEL",
	  .set = setting_choice,
	  .choices = level_names,
	  .fallback = "info",
	  .offset = offsetof(struct log_config, level),
	  .help = "debug, info, warn or error" },
	{ .name = "LOG_FILE",
	  .set = setting_text,
	  .fallback = "",
	  .offset = offsetof(struct log_config, file),
	  .help = "append to this file (reopened on SIGUSR1); empty: stderr" },
	{ 0 },
};

static struct {
	char name[32];
	enum log_format format;
	enum log_level level;
	char path[4096];
	int fd;
} lg = { "fcgi", LOG_TEXT, LOG_INFO, "", 2 };

int log_reopen(void)
{
	if (!lg.path[0])
		return 0;
	int fd = open(lg.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (lg.fd > 2)
		close(lg.fd);
	lg.fd = fd;
	return 0;
}

/* The pid on every line, kept: glibc no longer caches getpid(), and a call per line is a
 * system call per request. Every process that logs is a fork of the one that called
 * log_init (the pool's workers), so a fork handler keeps it true. */
static long log_pid;

static void log_forked(void)
{
	log_pid = (long)getpid();
}

int log_init(const char *name, enum log_format format, enum log_level level, const char *path)
{
	/* Without the fork handler (it fails only short of memory) every line asks. */
	if (!log_pid && pthread_atfork(NULL, NULL, log_forked) == 0)
		log_pid = (long)getpid();
	snprintf(lg.name, sizeof lg.name, "%s", name);
	lg.format = format;
	lg.level = level;
	snprintf(lg.path, sizeof lg.path, "%s", path ? path : "");
	if (!lg.path[0]) {
		if (lg.fd > 2)
			close(lg.fd);
		lg.fd = 2;
		return 0;
	}
	return log_reopen();
}

void log_start(const char *name, const struct log_config *cfg)
{
	if (log_init(name, (enum log_format)cfg->format, (enum log_level)cfg->level, cfg->file) !=
	    0)
		settings_fail("LOG_FILE", "cannot open %s: %s", cfg->file, strerror(errno));
}

static char request_id[LOG_REQUEST_ID_MAX + 1];

void log_set_request_id(const char *id)
{
	snprintf(request_id, sizeof request_id, "%s", id ? id : "");
}

const char *log_request_id(void)
{
	return request_id;
}

/* Fields beyond these are dropped (no caller comes close). */
#define MAX_FIELDS 32

static void emit(enum log_level level, const char *msg, va_list kv)
{
	char ts[40], sec[24];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, sizeof ts, "%s.%03ldZ", sec, now.tv_nsec / 1000000);

	struct log_field f[MAX_FIELDS + 1];
	size_t n = 0;
	const char *k;
	while ((k = va_arg(kv, const char *))) {
		const char *v = va_arg(kv, const char *);
		if (n < MAX_FIELDS)
			f[n++] = (struct log_field){ k, v };
	}
	if (request_id[0])
		f[n++] = (struct log_field){ "request_id", request_id };
	const struct log_line_head h = { .ts = ts,
		                         .level = level_names[level],
		                         .name = lg.name,
		                         .pid = log_pid ? log_pid : (long)getpid(),
		                         .msg = msg };
	char line[LOG_LINE_MAX + 1];
	size_t len = log_line_build(line, lg.format == LOG_JSON, &h, f, n);
	ssize_t w = write(lg.fd, line, len);
	(void)w; /* nowhere better to report a failed log write */
}

void log_kv(enum log_level level, const char *msg, ...)
{
	if (level < lg.level)
		return;
	va_list ap;
	va_start(ap, msg);
	emit(level, msg, ap);
	va_end(ap);
}

static void emit_plain(enum log_level level, const char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	emit(level, msg, ap);
	va_end(ap);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (level < lg.level)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emit_plain(level, msg, (const char *)NULL);
}
