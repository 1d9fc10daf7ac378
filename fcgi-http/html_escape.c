/*
 * html_escape: see html_escape.h. A single pass over the text with the strict UTF-8
 * decoder (utf8_next: no overlongs, no surrogates, no code points past U+10FFFF), so
 * the page is always valid UTF-8.
 */
#include "html_escape.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

static void put(char *dst, size_t cap, size_t *at, const char *p, size_t n)
{
	if (*at < cap) {
		size_t room = cap - *at - 1; /* keep one byte for the NUL */
		memcpy(dst + *at, p, n < room ? n : room);
	}
	*at += n;
}

/* The entity of a character HTML gives meaning to, or NULL. */
static const char *entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

/* C0 and C1 controls and DEL, except tab, newline and return, have no place in text. */
static int is_unwanted_control(unsigned long cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F);
}

size_t html_escape(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t at = 0;
	for (size_t i = 0; i < len;) {
		const char *e = entity(s[i]);
		if (e) {
			put(dst, cap, &at, e, strlen(e));
			i++;
			continue;
		}
		unsigned long cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		if (n == 0 || is_unwanted_control(cp)) {
			put(dst, cap, &at, replacement, 3);
			i += n ? n : 1; /* a bad byte is replaced alone */
			continue;
		}
		put(dst, cap, &at, (const char *)s + i, n);
		i += n;
	}
	if (cap > 0)
		dst[at < cap ? at : cap - 1] = '\0';
	return at;
}

char *html_escape_dup(const char *src)
{
	size_t len = strlen(src);
	size_t need = html_escape(NULL, 0, src, len);
	char *out = malloc(need + 1);
	if (!out)
		return NULL;
	html_escape(out, need + 1, src, len);
	return out;
}
