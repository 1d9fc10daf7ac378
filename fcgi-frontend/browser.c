/*
 * browser: see browser.h.
 */
#include "browser.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cookie.h"
#include "hex.h"
#include "log.h"
#include "response.h"

int browser_is_https(const struct request *r)
{
	const char *https = request_param(r, "HTTPS");
	const char *scheme = request_param(r, "REQUEST_SCHEME");
	const char *fwd = request_header(r, "X-Forwarded-Proto");
	return (https && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0)) ||
	       (scheme && strcasecmp(scheme, "https") == 0) ||
	       (fwd && strcasecmp(fwd, "https") == 0);
}

static void set_cookie(struct request *r, const char *name, const char *value, long max_age)
{
	char line[640];
	if (cookie_format(line, sizeof line, name, value, max_age, browser_is_https(r)) == 0)
		resp_header(r, "Set-Cookie", line);
}

int browser_csrf_token(struct request *r, const struct frontend *fe, char out[CSRF_TOKEN_MAX])
{
	char cookie[CSRF_COOKIE_LEN + 1];
	if (cookie_get(request_header(r, "Cookie"), CSRF_COOKIE, cookie, sizeof cookie) != 0 ||
	    !csrf_cookie_valid(cookie)) {
		if (csrf_new_cookie(cookie) != 0)
			return -1;
		set_cookie(r, CSRF_COOKIE, cookie, -1);
	}
	return csrf_token(&fe->key, cookie, time(NULL), fe->csrf_ttl, out);
}

enum csrf_result browser_csrf_check(const struct request *r, const struct frontend *fe,
                                    const char *token)
{
	char cookie[CSRF_COOKIE_LEN + 1];
	if (cookie_get(request_header(r, "Cookie"), CSRF_COOKIE, cookie, sizeof cookie) != 0)
		return CSRF_NO_COOKIE;
	return csrf_check(&fe->key, cookie, token, time(NULL));
}

/* The signature of a flash value: domain-separated from the CSRF tokens. */
static int flash_mac(const struct frontend *fe, const char *hex, char mac[SIGN_HEX_LEN + 1])
{
	char msg[2 * FLASH_MAX + 16];
	int n = snprintf(msg, sizeof msg, "flash|%s", hex);
	if (n < 0 || (size_t)n >= sizeof msg)
		return -1;
	return sign_hex(&fe->key, msg, (size_t)n, mac);
}

void browser_flash_set(struct request *r, const struct frontend *fe, const char *msg)
{
	char value[2 * FLASH_MAX + 1 + SIGN_HEX_LEN + 1];
	size_t n = strlen(msg);
	if (n > FLASH_MAX)
		n = FLASH_MAX;
	hex_encode(msg, n, value);
	char mac[SIGN_HEX_LEN + 1];
	if (flash_mac(fe, value, mac) != 0)
		return;
	value[2 * n] = '.';
	memcpy(value + 2 * n + 1, mac, SIGN_HEX_LEN + 1);
	set_cookie(r, FLASH_COOKIE, value, 60);
}

int browser_flash_take(struct request *r, const struct frontend *fe, char *out, size_t cap)
{
	char value[2 * FLASH_MAX + 1 + SIGN_HEX_LEN + 1];
	out[0] = '\0';
	if (cookie_get(request_header(r, "Cookie"), FLASH_COOKIE, value, sizeof value) != 0)
		return 0;
	set_cookie(r, FLASH_COOKIE, "", 0); /* shown once */
	char *dot = strchr(value, '.');
	if (!dot)
		return 0;
	*dot = '\0';
	char mac[SIGN_HEX_LEN + 1];
	if (flash_mac(fe, value, mac) != 0 || !sign_equal(mac, dot + 1)) {
		log_kv(LOG_INFO, "flash cookie with a bad signature ignored", NULL);
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
