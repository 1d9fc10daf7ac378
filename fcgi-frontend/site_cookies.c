/*
 * site_cookies: see site_cookies.h. The Cookie header may reach us as more than one
 * FastCGI parameter (a client that sends several Cookie lines), so the duplicate check
 * and the reader look at every HTTP_COOKIE parameter, not just the first.
 */
#include "site_cookies.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cookie.h"
#include "response.h"

#define HOST_PREFIX "__Host-"

static const struct {
	const char *plain, *host; /* the two spellings */
} names[SITE_COOKIE__MAX] = {
	[SITE_COOKIE_CSRF] = { "csrf", HOST_PREFIX "csrf" },
	[SITE_COOKIE_FLASH] = { "flash", HOST_PREFIX "flash" },
	[SITE_COOKIE_SESSION] = { "session", HOST_PREFIX "session" },
};

int site_cookies_secure(const struct request *r, int force)
{
	const char *https = request_param(r, "HTTPS");
	const char *scheme = request_param(r, "REQUEST_SCHEME");
	const char *fwd = request_header(r, "X-Forwarded-Proto");
	return force || (https && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0)) ||
	       (scheme && strcasecmp(scheme, "https") == 0) ||
	       (fwd && strcasecmp(fwd, "https") == 0);
}

const char *site_cookie_name(enum site_cookie c, int secure)
{
	if ((unsigned)c >= SITE_COOKIE__MAX)
		return NULL;
	return secure ? names[c].host : names[c].plain;
}

int cookie_count(const char *header, const char *name)
{
	int n = 0;
	size_t nlen = strlen(name);
	if (!header)
		return 0;
	for (const char *p = header; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		/* RFC 6265 5.2: the name is what precedes '=', without surrounding spaces. */
		const char *ne = eq ? eq : end;
		while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
			ne--;
		if ((size_t)(ne - p) == nlen && memcmp(p, name, nlen) == 0)
			n++;
		p = end;
	}
	return n;
}

/* Calls fn for every Cookie header the request carries (FastCGI parameter
 * HTTP_COOKIE, possibly more than once); stops when fn returns non-zero. */
static int each_cookie_header(const struct request *r, int (*fn)(const char *, void *), void *arg)
{
	static const char key[] = "HTTP_COOKIE=";
	for (char **e = r->envp; e && *e; e++)
		if (strncmp(*e, key, sizeof key - 1) == 0) {
			int rc = fn(*e + sizeof key - 1, arg);
			if (rc)
				return rc;
		}
	return 0;
}

struct count_arg {
	const char *name;
	int n;
};

static int add_count(const char *header, void *arg)
{
	struct count_arg *a = arg;
	a->n += cookie_count(header, a->name);
	return 0;
}

const char *site_cookies_duplicate(const struct request *r)
{
	for (int c = 0; c < SITE_COOKIE__MAX; c++)
		for (int secure = 0; secure <= 1; secure++) {
			struct count_arg a = { site_cookie_name((enum site_cookie)c, secure), 0 };
			each_cookie_header(r, add_count, &a);
			if (a.n > 1)
				return a.name;
		}
	return NULL;
}

struct get_arg {
	const char *name;
	char *out;
	size_t cap;
	int rc;
};

static int get_one(const char *header, void *arg)
{
	struct get_arg *a = arg;
	if (cookie_count(header, a->name) == 0)
		return 0;
	a->rc = cookie_get(header, a->name, a->out, a->cap);
	return 1;
}

int site_cookie_get(const struct request *r, enum site_cookie c, int secure, char *out, size_t cap)
{
	struct get_arg a = { site_cookie_name(c, secure), out, cap, -1 };
	if (!a.name || cap == 0)
		return -1;
	each_cookie_header(r, get_one, &a);
	if (a.rc != 0)
		out[0] = '\0';
	return a.rc;
}

int site_cookie_set(struct request *r, enum site_cookie c, int secure, const char *value,
                    long max_age)
{
	const char *name = site_cookie_name(c, secure);
	char line[640];
	if (!name || cookie_format(line, sizeof line, name, value, max_age, secure) != 0)
		return -1;
	return resp_header(r, "Set-Cookie", line);
}
