/*
 * csrf: see csrf.h for the scheme and why it holds. A token is parsed strictly
 * (digits "." 32 lowercase hex "." 64 hex) before anything is signed, so nothing an
 * attacker sends reaches the MAC's message but those shapes.
 */
#include "csrf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int csrf_new_cookie(char out[CSRF_COOKIE_LEN + 1])
{
	return sign_random_hex(out, CSRF_COOKIE_LEN / 2);
}

int csrf_cookie_valid(const char *value)
{
	return value && strlen(value) == CSRF_COOKIE_LEN && lower_hex(value, CSRF_COOKIE_LEN);
}

/* The signature of cookie|expiry|nonce|action into mac. */
static int mac_for(const struct sign_key *key, const char *cookie, long long expiry,
                   const char *nonce, const char *action, char mac[SIGN_HEX_LEN + 1])
{
	char msg[CSRF_COOKIE_LEN + 32 + CSRF_NONCE_LEN + CSRF_ACTION_MAX];
	if (!action || strlen(action) >= CSRF_ACTION_MAX)
		return -1;
	int n = snprintf(msg, sizeof msg, "%s|%lld|%s|%s", cookie, expiry, nonce, action);
	if (n < 0 || (size_t)n >= sizeof msg)
		return -1;
	return sign_hex(key, msg, (size_t)n, mac);
}

int csrf_token_make(const struct sign_key *key, const char *cookie, const char *action,
                    long long expiry, const char *nonce, char out[CSRF_TOKEN_MAX])
{
	if (!csrf_cookie_valid(cookie) || !nonce || strlen(nonce) != CSRF_NONCE_LEN ||
	    !lower_hex(nonce, CSRF_NONCE_LEN))
		return -1;
	char mac[SIGN_HEX_LEN + 1];
	if (mac_for(key, cookie, expiry, nonce, action, mac) != 0)
		return -1;
	int n = snprintf(out, CSRF_TOKEN_MAX, "%lld.%s.%s", expiry, nonce, mac);
	return n > 0 && n < CSRF_TOKEN_MAX ? 0 : -1;
}

int csrf_token(const struct sign_key *key, const char *cookie, const char *action, time_t now,
               long ttl, char out[CSRF_TOKEN_MAX])
{
	char nonce[CSRF_NONCE_LEN + 1];
	if (sign_random_hex(nonce, CSRF_NONCE_LEN / 2) != 0)
		return -1;
	return csrf_token_make(key, cookie, action, (long long)now + ttl, nonce, out);
}

enum csrf_result csrf_check_form(const struct sign_key *key, const char *cookie, const char *action,
                                 const char *token, time_t now, struct csrf_form *form)
{
	if (!csrf_cookie_valid(cookie))
		return CSRF_NO_COOKIE;
	if (!token || !*token)
		return CSRF_MISSING;
	/* EXPIRY: 1 to 19 digits. */
	size_t digits = strspn(token, "0123456789");
	if (digits == 0 || digits > 19 || token[digits] != '.')
		return CSRF_FORGED;
	const char *nonce = token + digits + 1;
	if (strlen(nonce) < CSRF_NONCE_LEN + 1 || !lower_hex(nonce, CSRF_NONCE_LEN) ||
	    nonce[CSRF_NONCE_LEN] != '.')
		return CSRF_FORGED; /* also a token of the old "EXPIRY.MAC" shape */
	errno = 0;
	long long expiry = strtoll(token, NULL, 10);
	if (errno)
		return CSRF_FORGED;
	char n[CSRF_NONCE_LEN + 1], mac[SIGN_HEX_LEN + 1];
	memcpy(n, nonce, CSRF_NONCE_LEN);
	n[CSRF_NONCE_LEN] = '\0';
	if (mac_for(key, cookie, expiry, n, action, mac) != 0)
		return CSRF_FORGED;
	if (!sign_equal(mac, nonce + CSRF_NONCE_LEN + 1))
		return CSRF_FORGED;
	/* Only a genuine token can be "expired": the expiry is inside what is signed. */
	if (expiry < (long long)now)
		return CSRF_EXPIRED;
	if (form) {
		memcpy(form->nonce, n, sizeof form->nonce);
		form->expiry = expiry;
	}
	return CSRF_OK;
}

enum csrf_result csrf_check(const struct sign_key *key, const char *cookie, const char *action,
                            const char *token, time_t now)
{
	return csrf_check_form(key, cookie, action, token, now, NULL);
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
