/*
 * log: formats one event per line, text or JSON, and writes it with a single write(2)
 * so lines from many worker processes sharing one file never interleave.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int log_init(const char *name, enum log_format format, enum log_level level, const char *path)
{
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

/* Append s to buf at *len, JSON-escaped when json is set; always leaves room for "\n". */
static void put(char *buf, size_t cap, size_t *len, const char *s, int json)
{
	for (; *s && *len + 8 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (json && (c == '"' || c == '\\')) {
			buf[(*len)++] = '\\';
			buf[(*len)++] = (char)c;
		} else if (c < 0x20) {
			if (json)
				*len += (size_t)snprintf(buf + *len, cap - *len, "\\u%04x", c);
			else
				buf[(*len)++] = ' '; /* keep one event on one line */
		} else {
			buf[(*len)++] = (char)c;
		}
	}
}

static void emit(enum log_level level, const char *msg, va_list kv)
{
	char buf[4096];
	size_t len = 0;
	char ts[32];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)getpid());

	if (lg.format == LOG_JSON) {
		len = (size_t)snprintf(buf, sizeof buf,
		                       "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"pool\":\"", ts,
		                       now.tv_nsec / 1000000, level_names[level]);
		put(buf, sizeof buf, &len, lg.name, 1);
		put(buf, sizeof buf, &len, "\",\"pid\":", 0);
		put(buf, sizeof buf, &len, pid, 0);
		put(buf, sizeof buf, &len, ",\"msg\":\"", 0);
		put(buf, sizeof buf, &len, msg, 1);
		put(buf, sizeof buf, &len, "\"", 0);
		const char *k;
		while ((k = va_arg(kv, const char *))) {
			const char *v = va_arg(kv, const char *);
			put(buf, sizeof buf, &len, ",\"", 0);
			put(buf, sizeof buf, &len, k, 1);
			put(buf, sizeof buf, &len, "\":\"", 0);
			put(buf, sizeof buf, &len, v ? v : "", 1);
			put(buf, sizeof buf, &len, "\"", 0);
		}
		put(buf, sizeof buf, &len, "}", 0);
	} else {
		len = (size_t)snprintf(buf, sizeof buf, "%sZ %s %s[%s]: ", ts, level_names[level],
		                       lg.name, pid);
		put(buf, sizeof buf, &len, msg, 0);
		const char *k;
		while ((k = va_arg(kv, const char *))) {
			const char *v = va_arg(kv, const char *);
			put(buf, sizeof buf, &len, " ", 0);
			put(buf, sizeof buf, &len, k, 0);
			put(buf, sizeof buf, &len, "=", 0);
			int quote = !v || !*v || strpbrk(v, " \"=") != NULL;
			if (quote)
				put(buf, sizeof buf, &len, "\"", 0);
			put(buf, sizeof buf, &len, v ? v : "", 0);
			if (quote)
				put(buf, sizeof buf, &len, "\"", 0);
		}
	}
	buf[len++] = '\n';
	ssize_t w = write(lg.fd, buf, len);
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
