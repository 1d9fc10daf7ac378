/*
 * log_line: one log line from a message and fields, always parseable. JSON lines are
 * built with cJSON (it escapes quotes, backslashes and control bytes) from values made
 * valid UTF-8 first (cJSON copies bytes >= 0x80 as they are, so invalid UTF-8 would
 * reach the line and jq would refuse it). Text lines follow logfmt: a value is quoted
 * when it is empty or holds a space, '=', '"', '\' or a control character, and inside
 * the quotes '"', '\' and control characters are escaped, so a key=value parser reads
 * back exactly one value per key. The length bound is met by cutting values (each
 * inside its own string, marked "…"), halving the per-value limit until the line fits
 * LOG_LINE_MAX: the line itself is never cut.
 */
#include "log_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "utf8.h"

static const char ellipsis[] = "\xE2\x80\xA6";    /* U+2026 */
static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at p, or 0 when the byte at p does not start one
 * (utf8_next: the one strict decoder). */
static size_t seq_len(const unsigned char *p, size_t left)
{
	unsigned long cp;
	return utf8_next(p, left, &cp);
}

size_t log_line_utf8(char *out, size_t max, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* The cleaned length first: only a value that does not fit gets the marker. */
	size_t need = 0;
	for (size_t i = 0; i < n;) {
		size_t k = seq_len(p + i, n - i);
		need += k ? k : 3;
		i += k ? k : 1;
	}
	size_t room = need <= max ? max : (max >= 3 ? max - 3 : max);
	size_t len = 0;
	for (size_t i = 0; i < n;) {
		size_t k = seq_len(p + i, n - i);
		const char *piece = k ? s + i : replacement;
		size_t plen = k ? k : 3;
		if (len + plen > room)
			break;
		memcpy(out + len, piece, plen);
		len += plen;
		i += k ? k : 1;
	}
	if (need > max && max >= 3) {
		memcpy(out + len, ellipsis, 3);
		len += 3;
	}
	out[len] = '\0';
	return len;
}

/* A cleaned copy of s (NULL: "") of at most limit bytes; NULL when out of memory. */
static char *clean(const char *s, size_t limit)
{
	if (!s)
		s = "";
	char *o = malloc(limit + 1);
	if (o)
		log_line_utf8(o, limit, s, strlen(s));
	return o;
}

/* Keys are the program's own, but a key must never break the line either. */
static void clean_key(char *out, size_t cap, const char *k)
{
	size_t i = 0;
	for (; k && k[i] && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)k[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
		out[i] = ok ? (char)c : '_';
	}
	if (i == 0)
		out[i++] = '_';
	out[i] = '\0';
}

/* ---- JSON ---------------------------------------------------------------------- */

static char *json_line(const struct log_line_head *h, const struct log_field *f, size_t n,
                       size_t limit)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int ok = 1;
	char *msg = clean(h->msg, 2 * limit);
	ok &= msg && cJSON_AddStringToObject(o, "ts", h->ts) &&
	      cJSON_AddStringToObject(o, "level", h->level) &&
	      cJSON_AddStringToObject(o, "pool", h->name) &&
	      cJSON_AddNumberToObject(o, "pid", (double)h->pid) &&
	      cJSON_AddStringToObject(o, "msg", msg);
	free(msg);
	for (size_t i = 0; ok && i < n; i++) {
		char key[64];
		clean_key(key, sizeof key, f[i].key);
		char *v = clean(f[i].value, limit);
		ok &= v && cJSON_AddStringToObject(o, key, v);
		free(v);
	}
	char *s = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return s;
}

/* ---- text ---------------------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	int failed;
};

static void put(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(struct sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* A control character (C0, DEL, or C1 as UTF-8 C2 80..C2 9F) at p? Its byte length. */
static size_t control_at(const unsigned char *p)
{
	if (p[0] < 0x20 || p[0] == 0x7F)
		return 1;
	if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
		return 2;
	return 0;
}

/* s is clean UTF-8. in_quotes: also escape '"' and '\'. */
static void put_escaped(struct sbuf *b, const char *s, int in_quotes)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t k = control_at(p);
		if (k) {
			unsigned cp = k == 1 ? p[0] : p[1];
			char esc[8];
			if (cp == '\n')
				puts_(b, "\\n");
			else if (cp == '\r')
				puts_(b, "\\r");
			else if (cp == '\t')
				puts_(b, "\\t");
			else {
				snprintf(esc, sizeof esc, "\\u%04x", cp);
				puts_(b, esc);
			}
			p += k;
		} else if (in_quotes && (*p == '"' || *p == '\\')) {
			char esc[2] = { '\\', (char)*p };
			put(b, esc, 2);
			p++;
		} else {
			put(b, (const char *)p, 1);
			p++;
		}
	}
}

static int needs_quotes(const char *s)
{
	if (!*s)
		return 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == ' ' || *p == '=' || *p == '"' || *p == '\\' || control_at(p))
			return 1;
	return 0;
}

static char *text_line(const struct log_line_head *h, const struct log_field *f, size_t n,
                       size_t limit)
{
	struct sbuf b = { 0 };
	char head[160];
	snprintf(head, sizeof head, "%s %s ", h->ts, h->level);
	puts_(&b, head);
	char name[64];
	clean_key(name, sizeof name, h->name);
	snprintf(head, sizeof head, "%s[%ld]: ", name, h->pid);
	puts_(&b, head);
	char *msg = clean(h->msg, 2 * limit);
	if (!msg)
		b.failed = 1;
	else
		put_escaped(&b, msg, 0);
	free(msg);
	for (size_t i = 0; i < n && !b.failed; i++) {
		char key[64];
		clean_key(key, sizeof key, f[i].key);
		puts_(&b, " ");
		puts_(&b, key);
		puts_(&b, "=");
		char *v = clean(f[i].value, limit);
		if (!v) {
			b.failed = 1;
			break;
		}
		int q = needs_quotes(v);
		if (q)
			puts_(&b, "\"");
		put_escaped(&b, v, q);
		if (q)
			puts_(&b, "\"");
		free(v);
	}
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ---- the line -------------------------------------------------------------------- */

size_t log_line_build(char *buf, int json, const struct log_line_head *h,
                      const struct log_field *fields, size_t nfields)
{
	for (size_t limit = LOG_VALUE_MAX; limit >= 16; limit /= 2) {
		char *s = json ? json_line(h, fields, nfields, limit)
		               : text_line(h, fields, nfields, limit);
		if (!s)
			break;
		size_t len = strlen(s);
		if (len + 1 <= LOG_LINE_MAX) {
			memcpy(buf, s, len);
			buf[len++] = '\n';
			buf[len] = '\0';
			free(s);
			return len;
		}
		free(s);
	}
	/* Out of memory, or more fields than fit even when cut short: the head alone. */
	struct log_field why = { "log_error", "line too long or out of memory; fields dropped" };
	struct log_line_head short_head = *h;
	char msg[257];
	log_line_utf8(msg, 256, h->msg ? h->msg : "", strlen(h->msg ? h->msg : ""));
	short_head.msg = msg;
	char *s = json ? json_line(&short_head, &why, 1, 64) : text_line(&short_head, &why, 1, 64);
	size_t len = 0;
	if (s && strlen(s) + 1 <= LOG_LINE_MAX) {
		len = strlen(s);
		memcpy(buf, s, len);
	} else {
		len = (size_t)snprintf(buf, LOG_LINE_MAX,
		                       json ? "{\"log_error\":\"out of memory\"}"
		                            : "log_error=\"out of memory\"");
	}
	free(s);
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}
