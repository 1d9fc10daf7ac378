/*
 * db_uri: a small hand parser (the URI grammar needed here is tiny, and no Debian
 * library parses mysql:// URIs with these options).
 */
#include "db_uri.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "urlencoded.h"

void db_uri_free(struct db_uri *u)
{
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->database);
	free(u->socket);
	free(u->ssl_ca);
	memset(u, 0, sizeof *u);
}

static int decode(const char *s, size_t n, char **out)
{
	return url_decode(s, n, 0, out, NULL);
}

static int fail(struct db_uri *u, char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	db_uri_free(u);
	return -1;
}

static int param_is(const char *name, const char *want)
{
	size_t n = strlen(want);
	if (strlen(name) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i] == '_' ? '-' : name[i];
		if (c != want[i])
			return 0;
	}
	return 1;
}

static const struct {
	const char *name;
	enum ssl_mode mode;
} ssl_modes[] = {
	{ "DISABLED", SSL_DISABLED },
	{ "PREFERRED", SSL_PREFERRED },
	{ "REQUIRED", SSL_REQUIRED },
	{ "VERIFY_CA", SSL_VERIFY_CA },
	{ "VERIFY_IDENTITY", SSL_VERIFY_IDENTITY },
};

int db_uri_parse(const char *uri, struct db_uri *u, char *why, size_t whylen)
{
	memset(u, 0, sizeof *u);
	const char *p;
	if (strncmp(uri, "mysql://", 8) == 0)
		p = uri + 8;
	else if (strncmp(uri, "mysql+pymysql://", 16) == 0)
		p = uri + 16;
	else if (strncmp(uri, "mariadb://", 10) == 0)
		p = uri + 10;
	else
		return fail(u, why, whylen, "must start with mysql:// (or mysql+pymysql://)");

	/* authority: [user[:password]@]host[:port] */
	size_t alen = strcspn(p, "/?");
	const char *auth_end = p + alen;
	const char *at = NULL;
	for (const char *q = p; q < auth_end; q++)
		if (*q == '@')
			at = q; /* the last '@': an unencoded '@' in a password still works */
	const char *hp = p;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		size_t ulen = colon ? (size_t)(colon - p) : (size_t)(at - p);
		if (decode(p, ulen, &u->user) != 0)
			return fail(u, why, whylen, "malformed %-escape in the user name");
		if (colon && decode(colon + 1, (size_t)(at - colon - 1), &u->password) != 0)
			return fail(u, why, whylen, "malformed %-escape in the password");
		hp = at + 1;
	}
	size_t hlen = (size_t)(auth_end - hp);
	const char *pc = NULL;
	if (hlen && hp[0] == '[') { /* [IPv6]:port */
		const char *close = memchr(hp, ']', hlen);
		if (!close)
			return fail(u, why, whylen, "unclosed '[' in the host");
		u->host = strndup(hp + 1, (size_t)(close - hp - 1));
		if (close + 1 < auth_end && close[1] == ':')
			pc = close + 1;
		else if (close + 1 != auth_end)
			return fail(u, why, whylen, "junk after ']' in the host");
	} else {
		pc = memchr(hp, ':', hlen);
		if (decode(hp, pc ? (size_t)(pc - hp) : hlen, &u->host) != 0)
			return fail(u, why, whylen, "malformed %-escape in the host");
	}
	if (!u->host)
		return fail(u, why, whylen, "out of memory");
	if (pc) {
		char *end;
		errno = 0;
		long port = strtol(pc + 1, &end, 10);
		if (pc + 1 == auth_end || end != auth_end || errno || port < 1 || port > 65535)
			return fail(u, why, whylen, "port must be 1 to 65535");
		u->port = (unsigned)port;
	}

	/* /database */
	const char *rest = auth_end;
	if (*rest == '/') {
		size_t dlen = strcspn(rest + 1, "?");
		if (decode(rest + 1, dlen, &u->database) != 0)
			return fail(u, why, whylen, "malformed %-escape in the database name");
		rest += 1 + dlen;
	}
	if (!u->database || !*u->database)
		return fail(u, why, whylen, "names no database (mysql://user:pass@host/DATABASE)");

	if (*rest == '?') {
		struct params q = { 0 };
		if (urlencoded_parse(rest + 1, strlen(rest + 1), &q) != 0) {
			params_free(&q);
			return fail(u, why, whylen, "malformed %-escape in the query");
		}
		for (size_t i = 0; i < q.n; i++) {
			const char *name = q.v[i].name, *val = q.v[i].value;
			if (param_is(name, "ssl-mode") || param_is(name, "sslmode")) {
				u->ssl_mode = SSL_MODE_DEFAULT;
				for (size_t k = 0; k < sizeof ssl_modes / sizeof ssl_modes[0]; k++)
					if (strcasecmp(val, ssl_modes[k].name) == 0)
						u->ssl_mode = ssl_modes[k].mode;
				if (u->ssl_mode == SSL_MODE_DEFAULT) {
					params_free(&q);
					return fail(
					        u, why, whylen,
					        "ssl-mode must be DISABLED, PREFERRED, REQUIRED, "
					        "VERIFY_CA or VERIFY_IDENTITY");
				}
			} else if (param_is(name, "ssl-ca")) {
				free(u->ssl_ca);
				u->ssl_ca = strdup(val);
			} else if (param_is(name, "socket") || param_is(name, "unix-socket")) {
				free(u->socket);
				u->socket = strdup(val);
			} else if (param_is(name, "charset")) {
				if (strcasecmp(val, "utf8mb4") != 0 &&
				    strcasecmp(val, "utf8") != 0) {
					params_free(&q);
					return fail(u, why, whylen,
					            "charset must be utf8mb4 (the service always "
					            "uses utf8mb4)");
				}
			} else {
				char msg[160];
				snprintf(msg, sizeof msg, "unknown parameter '%.60s'", name);
				params_free(&q);
				return fail(u, why, whylen, msg);
			}
		}
		params_free(&q);
	}
	if (!u->user)
		u->user = strdup("");
	if (!u->user)
		return fail(u, why, whylen, "out of memory");
	if (!*u->host && (!u->socket || !*u->socket))
		return fail(u, why, whylen, "names no host (or ?socket=/path)");
	return 0;
}

int db_uri_set(const struct setting *s, const char *value, void *field, char *why, size_t whylen)
{
	(void)s;
	return db_uri_parse(value, field, why, whylen);
}

int db_read_uri_set(const struct setting *s, const char *value, void *field, char *why,
                    size_t whylen)
{
	(void)s;
	if (!*value) {
		memset(field, 0, sizeof(struct db_uri));
		return 0;
	}
	return db_uri_parse(value, field, why, whylen);
}
