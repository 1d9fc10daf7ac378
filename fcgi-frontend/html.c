/*
 * html: the page buffer and the tiny template renderer (see html.h). Slots are
 * {{name}} with name made of [a-z0-9_]; anything else between braces is copied as it
 * is, so CSS or text that contains braces needs no escaping.
 */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_escape.h"
#include "log.h"

static int reserve(struct html *h, size_t more)
{
	if (h->failed)
		return -1;
	if (h->len + more + 1 <= h->cap)
		return 0;
	size_t cap = h->cap ? h->cap : 1024;
	while (cap < h->len + more + 1) {
		if (cap > ((size_t)1 << 30)) {
			h->failed = 1;
			return -1;
		}
		cap *= 2;
	}
	char *p = realloc(h->p, cap);
	if (!p) {
		h->failed = 1;
		return -1;
	}
	h->p = p;
	h->cap = cap;
	return 0;
}

static void put_raw(struct html *h, const char *s, size_t n)
{
	if (reserve(h, n) != 0)
		return;
	memcpy(h->p + h->len, s, n);
	h->len += n;
	h->p[h->len] = '\0';
}

static void put_escaped(struct html *h, const char *s, size_t n)
{
	size_t need = html_escape(NULL, 0, s, n);
	if (reserve(h, need) != 0)
		return;
	html_escape(h->p + h->len, need + 1, s, n);
	h->len += need;
}

void html_text(struct html *h, const char *text)
{
	put_escaped(h, text ? text : "", text ? strlen(text) : 0);
}

void html_literal_(struct html *h, const char *lit)
{
	put_raw(h, lit, strlen(lit));
}

void html_append(struct html *h, const struct html *fragment)
{
	if (fragment->failed)
		h->failed = 1;
	if (fragment->len)
		put_raw(h, fragment->p, fragment->len);
}

static int is_slot_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* The value the variadic pairs give for name (n bytes), or NULL. */
static const char *lookup(const char *name, size_t n, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	const char *found = NULL;
	for (;;) {
		const char *key = va_arg(aq, const char *);
		if (!key)
			break;
		const char *value = va_arg(aq, const char *);
		if (strlen(key) == n && memcmp(key, name, n) == 0) {
			found = value ? value : "";
			break;
		}
	}
	va_end(aq);
	return found;
}

void html_render_(struct html *h, const char *tpl, ...)
{
	va_list ap;
	va_start(ap, tpl);
	const char *p = tpl;
	while (*p) {
		const char *open = strstr(p, "{{");
		if (!open) {
			put_raw(h, p, strlen(p));
			break;
		}
		const char *name = open + 2, *end = name;
		while (is_slot_char(*end))
			end++;
		if (end == name || end[0] != '}' || end[1] != '}') {
			put_raw(h, p, (size_t)(name - p)); /* not a slot: copy "{{" as is */
			p = name;
			continue;
		}
		put_raw(h, p, (size_t)(open - p));
		const char *value = lookup(name, (size_t)(end - name), ap);
		if (!value) {
			/* A programming error; the page is refused rather than shown wrong. */
			char slot[64];
			snprintf(slot, sizeof slot, "%.*s", (int)(end - name), name);
			log_kv(LOG_ERROR, "template slot without value", "slot", slot, NULL);
			h->failed = 1;
		} else {
			put_escaped(h, value, strlen(value));
		}
		p = end + 2;
	}
	va_end(ap);
}

const char *html_str(const struct html *h)
{
	return h->p ? h->p : "";
}

void html_free(struct html *h)
{
	free(h->p);
	h->p = NULL;
	h->len = h->cap = 0;
	h->failed = 0;
}
