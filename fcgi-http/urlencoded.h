/*
 * urlencoded: percent-decoding and application/x-www-form-urlencoded parsing, for
 * query strings and HTML form bodies. Decoded values keep their length, so a %00 is
 * visible to validators instead of silently cutting a value short.
 */
#ifndef FCGI_URLENCODED_H
#define FCGI_URLENCODED_H

#include <stddef.h>

struct param {
	char *name;  /* decoded, NUL-terminated */
	char *value; /* decoded, NUL-terminated (may also contain NUL bytes: see len) */
	size_t len;  /* bytes in value */
};

struct params {
	struct param *v;
	size_t n;
};

/*
 * Decode n bytes of s into a new malloc'd, NUL-terminated string; '+' becomes a space
 * when plus_is_space. Returns 0, or -1 on a malformed escape (e.g. "%4" or "%zz") or
 * out of memory (*out is then NULL).
 */
int url_decode(const char *s, size_t n, int plus_is_space, char **out, size_t *outlen);

/* Parse "a=1&b=2" (n bytes) into out (appending). Returns 0, or -1 on a bad escape. */
int urlencoded_parse(const char *s, size_t n, struct params *out);

/* The first value named name, or NULL. */
const struct param *params_find(const struct params *p, const char *name);
const char *params_get(const struct params *p, const char *name);

int params_add(struct params *p, const char *name, const char *value, size_t len);
void params_free(struct params *p);

/* Append the percent-encoding of s (RFC 3986 unreserved kept) to a malloc'd string. */
char *url_encode(const char *s);

#endif
