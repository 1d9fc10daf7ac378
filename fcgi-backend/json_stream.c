/*
 * json_stream: see json_stream.h. The escaping mirrors cJSON's print_string_ptr: '"'
 * and '\\' and the five short escapes (\b \f \n \r \t), every other byte below 0x20 as
 * \u00xx in lower-case hex, and every other byte (UTF-8 included, DEL too) as it is.
 */
#include "json_stream.h"

#include <string.h>

#include "hex.h"

void json_stream_init(struct json_stream *s, int (*write)(void *h, const char *buf, int n), void *h)
{
	s->write = write;
	s->h = h;
	s->len = 0;
	s->total = 0;
	s->failed = 0;
}

int json_stream_flush(struct json_stream *s)
{
	size_t off = 0;
	while (!s->failed && off < s->len) {
		int n = s->write(s->h, s->buf + off, (int)(s->len - off));
		if (n <= 0)
			s->failed = 1;
		else
			off += (size_t)n;
	}
	s->total += off;
	s->len = 0;
	return s->failed ? -1 : 0;
}

void json_stream_raw(struct json_stream *s, const char *p, size_t n)
{
	while (n > 0 && !s->failed) {
		if (s->len == sizeof s->buf)
			json_stream_flush(s);
		size_t k = sizeof s->buf - s->len;
		k = k < n ? k : n;
		memcpy(s->buf + s->len, p, k);
		s->len += k;
		p += k;
		n -= k;
	}
}

/* The escape of byte c, or NULL when it goes out as it is. */
static const char *escape_of(unsigned char c, char tmp[7])
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		if (c >= 0x20)
			return NULL;
		memcpy(tmp, "\\u00", 4);
		hex_encode(&c, 1, tmp + 4); /* two digits and the NUL */
		return tmp;
	}
}

void json_stream_string(struct json_stream *s, const char *p)
{
	json_stream_raw(s, "\"", 1);
	const char *run = p; /* bytes that need no escape, written in one go */
	for (;; p++) {
		char tmp[7];
		const char *esc = *p ? escape_of((unsigned char)*p, tmp) : NULL;
		if (*p && !esc)
			continue;
		json_stream_raw(s, run, (size_t)(p - run));
		if (!*p)
			break;
		json_stream_raw(s, esc, strlen(esc));
		run = p + 1;
	}
	json_stream_raw(s, "\"", 1);
}
