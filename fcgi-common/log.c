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

const struct setting_def log_settings[] = {
	{ "LOG_FORMAT", "text", setting_check_log_format, "text or json (one JSON object a line)" },
	{ "LOG_LEVEL", "info", setting_check_log_level, "debug, info, warn or error" },
	{ "LOG_FILE", "", NULL, "append to this file (reopened on SIGUSR1); empty: stderr" },
	{ NULL, NULL, NULL, NULL },
};

static struct {
	char name[32];
	enum log_format format;
	enum log_level level;
	char path[4096];
	int fd;
} lg = { "fcgi", LOG_TEXT, LOG_INFO, "", 2 };

static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_parse_level(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

int log_parse_format(const char *s, enum log_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = LOG_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = LOG_JSON;
	else
		return -1;
	return 0;
}

int setting_check_log_format(const char *value, char *why, size_t whylen)
{
	enum log_format f;
	if (log_parse_format(value, &f) == 0)
		return 0;
	snprintf(why, whylen, "'%s' is not text or json", value);
	return -1;
}

int setting_check_log_level(const char *value, char *why, size_t whylen)
{
	enum log_level l;
	if (log_parse_level(value, &l) == 0)
		return 0;
	snprintf(why, whylen, "'%s' is not debug, info, warn or error", value);
	return -1;
}

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

void log_init_from_settings(const char *name)
{
	enum log_format f = LOG_TEXT;
	enum log_level l = LOG_INFO;
	log_parse_format(settings_str("LOG_FORMAT"), &f);
	log_parse_level(settings_str("LOG_LEVEL"), &l);
	if (log_init(name, f, l, settings_str("LOG_FILE")) != 0) {
		fprintf(stderr, "%s: setting LOG_FILE: cannot open %s: %s\n", name,
		        settings_str("LOG_FILE"), strerror(errno));
		exit(2);
	}
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
