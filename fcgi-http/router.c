/*
 * router: matches a path against the route table segment by segment. Tables are
 * small (a dozen routes), so a linear scan is simplest and fast enough.
 */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Match path against pattern; on success append {name} values to params (if given). */
static int match(const char *pattern, const char *path, struct params *params)
{
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return 0;
			size_t seglen = strcspn(s, "/");
			if (seglen == 0)
				return 0;
			if (params) {
				char name[64];
				size_t nlen = (size_t)(close - p - 1);
				if (nlen >= sizeof name)
					return 0;
				memcpy(name, p + 1, nlen);
				name[nlen] = '\0';
				char *val;
				size_t vlen;
				if (url_decode(s, seglen, 0, &val, &vlen) != 0)
					return 0;
				int rc = params_add(params, name, val, vlen);
				free(val);
				if (rc != 0)
					return 0;
			}
			p = close + 1;
			s += seglen;
		} else if (*p == *s) {
			p++;
			s++;
		} else {
			return 0;
		}
	}
	return *p == '\0' && *s == '\0';
}

enum route_result router_match(const struct route *routes, size_t n, enum http_method method,
                               const char *path, const struct route **found, struct params *params,
                               unsigned *allowed)
{
	unsigned allow = 0;
	for (size_t i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, NULL))
			continue;
		unsigned m = routes[i].methods;
		if (m & METHOD_GET)
			m |= METHOD_HEAD;
		allow |= m;
		if (m & method) {
			params_free(params);
			if (!match(routes[i].pattern, path, params))
				return ROUTE_NOT_FOUND; /* bad escape in a segment */
			*found = &routes[i];
			return ROUTE_FOUND;
		}
	}
	if (allowed)
		*allowed = allow;
	return allow ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

void router_allow_header(unsigned methods, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (unsigned bit = 1; bit < METHOD_OTHER; bit <<= 1) {
		if (!(methods & bit))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
		                 http_method_name((enum http_method)bit));
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}
