/*
 * csrf: see csrf.h for the scheme and why it holds.
 */
#include "csrf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csrf_new_cookie(char out[CSRF_COOKIE_LEN + 1])
{
	return sign_random_hex(out, CSRF_COOKIE_LEN / 2);
}

int csrf_cookie_valid(const char *value)
{
	if (!value || strlen(value) != CSRF_COOKIE_LEN)
		return 0;
	for (const char *p = value; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* The signature of cookie|expiry|action into mac. */
static int mac_for(const struct sign_key *key, const char *cookie, long long expiry,
                   const char *action, char mac[SIGN_HEX_LEN + 1])
{
	char msg[CSRF_COOKIE_LEN + 32 + CSRF_ACTION_MAX];
	if (!action || strlen(action) >= CSRF_ACTION_MAX)
		return -1;
	int n = snprintf(msg, sizeof msg, "%s|%lld|%s", cookie, expiry, action);
	if (n < 0 || (size_t)n >= sizeof msg)
		return -1;
	return sign_hex(key, msg, (size_t)n, mac);
}

int csrf_token(const struct sign_key *key, const char *cookie, const char *action, time_t now,
               long ttl, char out[CSRF_TOKEN_MAX])
{
	if (!csrf_cookie_valid(cookie))
		return -1;
	long long expiry = (long long)now + ttl;
	char mac[SIGN_HEX_LEN + 1];
	if (mac_for(key, cookie, expiry, action, mac) != 0)
		return -1;
	int n = snprintf(out, CSRF_TOKEN_MAX, "%lld.%s", expiry, mac);
	return n > 0 && n < CSRF_TOKEN_MAX ? 0 : -1;
}

enum csrf_result csrf_check(const struct sign_key *key, const char *cookie, const char *action,
                            const char *token, time_t now)
{
	if (!csrf_cookie_valid(cookie))
		return CSRF_NO_COOKIE;
	if (!token || !*token)
		return CSRF_MISSING;
	const char *dot = strchr(token, '.');
	if (!dot || dot == token || dot - token > 19)
		return CSRF_FORGED;
	for (const char *p = token; p < dot; p++)
		if (*p < '0' || *p > '9')
			return CSRF_FORGED;
	errno = 0;
	long long expiry = strtoll(token, NULL, 10);
	if (errno)
		return CSRF_FORGED;
	char mac[SIGN_HEX_LEN + 1];
	if (mac_for(key, cookie, expiry, action, mac) != 0)
		return CSRF_FORGED;
	if (!sign_equal(mac, dot + 1))
		return CSRF_FORGED;
	/* Only a genuine token can be "expired": the expiry is inside what is signed. */
	if (expiry < (long long)now)
		return CSRF_EXPIRED;
	return CSRF_OK;
}

const char *csrf_result_str(enum csrf_result r)
{
	switch (r) {
	case CSRF_OK:
		return "ok";
	case CSRF_NO_COOKIE:
		return "no csrf cookie";
	case CSRF_MISSING:
		return "no csrf token";
	case CSRF_FORGED:
		return "forged csrf token";
	case CSRF_EXPIRED:
		return "expired csrf token";
	case CSRF_CROSS_SITE:
		return "sent from another site";
	}
	return "?";
}
