/*
 * browser: see browser.h. The flash value is HEX "." EXPIRY "." MAC, the MAC over
 * "flash|" CSRF-COOKIE "|" EXPIRY "|" HEX: "flash|" keeps it apart from CSRF tokens
 * made with the same key.
 */
#include "browser.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "log.h"
#include "same_origin.h"
#include "site_cookies.h"

int browser_secure(const struct request *r, const struct frontend *fe)
{
	return site_cookies_secure(r, fe->cookie_secure);
}

/* The browser's csrf cookie into out; 0, or -1 when absent or malformed. */
static int csrf_cookie(const struct request *r, const struct frontend *fe,
                       char out[CSRF_COOKIE_LEN + 1])
{
	if (site_cookie_get(r, SITE_COOKIE_CSRF, browser_secure(r, fe), out, CSRF_COOKIE_LEN + 1) !=
	            0 ||
	    !csrf_cookie_valid(out))
		return -1;
	return 0;
}

int browser_csrf_token(struct request *r, const struct frontend *fe, const char *action,
                       char out[CSRF_TOKEN_MAX])
{
	char cookie[CSRF_COOKIE_LEN + 1];
	if (csrf_cookie(r, fe, cookie) != 0) {
		if (csrf_new_cookie(cookie) != 0)
			return -1;
		site_cookie_set(r, SITE_COOKIE_CSRF, browser_secure(r, fe), cookie, -1);
	}
	return csrf_token(&fe->key, cookie, action, time(NULL), fe->csrf_ttl, out);
}

enum csrf_result browser_csrf_check(const struct request *r, const struct frontend *fe,
                                    const char *token, struct csrf_form *form)
{
	const char *cross = same_origin_problem(r);
	if (cross) {
		log_kv(LOG_WARN, "form refused", "reason", cross, "path", r->path, NULL);
		return CSRF_CROSS_SITE;
	}
	char cookie[CSRF_COOKIE_LEN + 1];
	if (csrf_cookie(r, fe, cookie) != 0)
		return CSRF_NO_COOKIE;
	return csrf_check_form(&fe->key, cookie, r->path, token, time(NULL), form);
}

/* The signature of a flash value for this browser and expiry. */
static int flash_mac(const struct frontend *fe, const char *cookie, long long expiry,
                     const char *hex, char mac[SIGN_HEX_LEN + 1])
{
	char msg[2 * FLASH_MAX + CSRF_COOKIE_LEN + 48];
	int n = snprintf(msg, sizeof msg, "flash|%s|%lld|%s", cookie, expiry, hex);
	if (n < 0 || (size_t)n >= sizeof msg)
		return -1;
	return sign_hex(&fe->key, msg, (size_t)n, mac);
}

#define FLASH_VALUE_MAX (2 * FLASH_MAX + 1 + 20 + 1 + SIGN_HEX_LEN + 1)

void browser_flash_set(struct request *r, const struct frontend *fe, const char *msg)
{
	char cookie[CSRF_COOKIE_LEN + 1];
	if (csrf_cookie(r, fe, cookie) != 0)
		return; /* no browser to bind it to: no confirmation rather than a loose one */
	char hex[2 * FLASH_MAX + 1];
	size_t n = strlen(msg);
	if (n > FLASH_MAX)
		n = FLASH_MAX;
	hex_encode(msg, n, hex);
	long long expiry = (long long)time(NULL) + FLASH_TTL;
	char mac[SIGN_HEX_LEN + 1], value[FLASH_VALUE_MAX];
	if (flash_mac(fe, cookie, expiry, hex, mac) != 0)
		return;
	snprintf(value, sizeof value, "%s.%lld.%s", hex, expiry, mac);
	site_cookie_set(r, SITE_COOKIE_FLASH, browser_secure(r, fe), value, FLASH_TTL);
}

int browser_flash_take(struct request *r, const struct frontend *fe, char *out, size_t cap)
{
	char value[FLASH_VALUE_MAX], cookie[CSRF_COOKIE_LEN + 1];
	out[0] = '\0';
	int secure = browser_secure(r, fe);
	if (site_cookie_get(r, SITE_COOKIE_FLASH, secure, value, sizeof value) != 0)
		return 0;
	site_cookie_set(r, SITE_COOKIE_FLASH, secure, "", 0); /* shown once */
	char *dot1 = strchr(value, '.');
	char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot2 || csrf_cookie(r, fe, cookie) != 0)
		return 0;
	*dot1 = *dot2 = '\0';
	char *end;
	errno = 0;
	long long expiry = strtoll(dot1 + 1, &end, 10);
	char mac[SIGN_HEX_LEN + 1];
	if (errno || *end || end == dot1 + 1 || flash_mac(fe, cookie, expiry, value, mac) != 0 ||
	    !sign_equal(mac, dot2 + 1)) {
		log_kv(LOG_INFO, "flash cookie not made for this browser ignored", NULL);
		return 0;
	}
	if (expiry < (long long)time(NULL)) {
		log_kv(LOG_INFO, "expired flash cookie ignored", NULL);
		return 0;
	}
	size_t n = strlen(value) / 2;
	if (n + 1 > cap || hex_decode(value, n, out) != 0) {
		out[0] = '\0';
		return 0;
	}
	out[n] = '\0';
	return 1;
}
