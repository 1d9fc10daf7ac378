/*
 * html_escape: see html_escape.h. A single pass that decodes UTF-8 just enough to
 * tell valid sequences from invalid ones (RFC 3629: no overlongs, no surrogates, no
 * code points past U+10FFFF), so the page is always valid UTF-8.
 */
#include "html_escape.h"

#include <stdlib.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not valid. */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range for the second byte */
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

static void put(char *dst, size_t cap, size_t *at, const char *p, size_t n)
{
	if (*at < cap) {
		size_t room = cap - *at - 1; /* keep one byte for the NUL */
		memcpy(dst + *at, p, n < room ? n : room);
	}
	*at += n;
}

size_t html_escape(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t at = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		switch (c) {
		case '&':
			put(dst, cap, &at, "&amp;", 5);
			i++;
			continue;
		case '<':
			put(dst, cap, &at, "&lt;", 4);
			i++;
			continue;
		case '>':
			put(dst, cap, &at, "&gt;", 4);
			i++;
			continue;
		case '"':
			put(dst, cap, &at, "&quot;", 6);
			i++;
			continue;
		case '\'':
			put(dst, cap, &at, "&#39;", 5);
			i++;
			continue;
		case '\t':
		case '\n':
		case '\r':
			put(dst, cap, &at, (const char *)&s[i], 1);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7F) {
			put(dst, cap, &at, replacement, 3);
			i++;
			continue;
		}
		size_t n = utf8_seq_len(s + i, len - i);
		if (n == 0) {
			put(dst, cap, &at, replacement, 3);
			i++;
			continue;
		}
		/* C1 controls (U+0080..U+009F) are not allowed in HTML text either. */
		if (n == 2 && c == 0xC2 && s[i + 1] < 0xA0) {
			put(dst, cap, &at, replacement, 3);
			i += 2;
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
