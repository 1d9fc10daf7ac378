/*
 * urlencoded: percent-decoding (RFC 3986) and form/query field parsing (WHATWG
 * application/x-www-form-urlencoded: '&' separates fields, '+' is a space).
 */
#include "urlencoded.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"

int url_decode(const char *s, size_t n, int plus_is_space, char **out, size_t *outlen)
{
	char *d = malloc(n + 1);
	*out = NULL;
	if (!d)
		return -1;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 1 < n ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				free(d);
				return -1;
			}
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			d[j++] = ' ';
		} else {
			d[j++] = c;
		}
	}
	d[j] = '\0';
	*out = d;
	if (outlen)
		*outlen = j;
	return 0;
}

int params_add(struct params *p, const char *name, const char *value, size_t len)
{
	struct param *v = realloc(p->v, (p->n + 1) * sizeof *v);
	if (!v)
		return -1;
	p->v = v;
	char *nm = strdup(name);
	char *val = malloc(len + 1);
	if (!nm || !val) {
		free(nm);
		free(val);
		return -1;
	}
	memcpy(val, value, len);
	val[len] = '\0';
	p->v[p->n].name = nm;
	p->v[p->n].value = val;
	p->v[p->n].len = len;
	p->n++;
	return 0;
}

int urlencoded_parse(const char *s, size_t n, struct params *out)
{
	size_t i = 0;
	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			size_t nend = eq ? (size_t)(eq - s) : end;
			char *name = NULL, *value = NULL;
			size_t vlen = 0;
			if (url_decode(s + i, nend - i, 1, &name, NULL) != 0)
				return -1;
			if (url_decode(eq ? eq + 1 : s + end, eq ? end - nend - 1 : 0, 1, &value,
			               &vlen) != 0) {
				free(name);
				return -1;
			}
			int rc = params_add(out, name, value, vlen);
			free(name);
			free(value);
			if (rc != 0)
				return -1;
		}
		i = end + 1;
	}
	return 0;
}

const struct param *params_find(const struct params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

const char *params_get(const struct params *p, const char *name)
{
	const struct param *f = params_find(p, name);
	return f ? f->value : NULL;
}

void params_free(struct params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* RFC 3986 2.3: the characters a URI carries as they are. */
static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

char *url_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF"; /* RFC 3986 2.1: uppercase */
	char *d = malloc(3 * strlen(s) + 1), *o = d;
	if (!d)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (is_unreserved(*p)) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '%';
		*o++ = hex[*p >> 4];
		*o++ = hex[*p & 15];
	}
	*o = '\0';
	return d;
}
