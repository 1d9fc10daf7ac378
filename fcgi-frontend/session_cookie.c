/*
 * session_cookie: see session_cookie.h. The HMAC and the constant-time comparison are
 * sign.h's (OpenSSL); "session|" keeps these signatures apart from the CSRF tokens'
 * and the flash cookie's, made with the same key.
 */
#include "session_cookie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_CHARS          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define SESSION_TOKEN_PREFIX "fus_" /* the backend's session tokens (fcgi-backend/token.h) */
#define SESSION_TOKEN_LEN    47

static int token_ok(const char *t, size_t n)
{
	return n == SESSION_TOKEN_LEN && strncmp(t, SESSION_TOKEN_PREFIX, 4) == 0 &&
	       strspn(t + 4, TOKEN_CHARS) >= SESSION_TOKEN_LEN - 4;
}

static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > PRINCIPAL_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr("._@+-", c))))
			return 0;
	}
	return 1;
}

static int mac(const struct sign_key *key, const char *token, size_t tlen, long long expiry,
               const char *name, size_t nlen, char out[SIGN_HEX_LEN + 1])
{
	char msg[SESSION_COOKIE_MAX + 16];
	int n = snprintf(msg, sizeof msg, "session|%.*s|%lld|%.*s", (int)tlen, token, expiry,
	                 (int)nlen, name);
	if (n < 0 || (size_t)n >= sizeof msg)
		return -1;
	return sign_hex(key, msg, (size_t)n, out);
}

int session_cookie_make(const struct sign_key *key, const char *token, time_t expiry,
                        const char *name, char out[SESSION_COOKIE_MAX])
{
	size_t tlen = strlen(token), nlen = strlen(name);
	char m[SIGN_HEX_LEN + 1];
	out[0] = '\0';
	if (!token_ok(token, tlen) || !name_ok(name, nlen) || expiry <= 0 ||
	    mac(key, token, tlen, (long long)expiry, name, nlen, m) != 0)
		return -1;
	int n = snprintf(out, SESSION_COOKIE_MAX, "%s.%lld.%s.%s", token, (long long)expiry, m,
	                 name);
	if (n < 0 || n >= SESSION_COOKIE_MAX) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int session_cookie_read(const struct sign_key *key, const char *value, time_t now,
                        struct principal *p, time_t *expiry)
{
	memset(p, 0, sizeof *p);
	*expiry = 0;
	if (!value || strlen(value) < SESSION_TOKEN_LEN + 1 || value[SESSION_TOKEN_LEN] != '.' ||
	    !token_ok(value, SESSION_TOKEN_LEN))
		return -1;
	const char *exp = value + SESSION_TOKEN_LEN + 1;
	char *end = NULL;
	if (*exp < '1' || *exp > '9')
		return -1;
	long long e = strtoll(exp, &end, 10);
	if (*end != '.' || end - exp > 12)
		return -1;
	const char *sig = end + 1;
	if (strlen(sig) < SIGN_HEX_LEN + 2 || sig[SIGN_HEX_LEN] != '.')
		return -1;
	const char *name = sig + SIGN_HEX_LEN + 1;
	size_t nlen = strlen(name);
	if (!name_ok(name, nlen))
		return -1;
	char want[SIGN_HEX_LEN + 1], got[SIGN_HEX_LEN + 1];
	memcpy(got, sig, SIGN_HEX_LEN);
	got[SIGN_HEX_LEN] = '\0';
	if (mac(key, value, SESSION_TOKEN_LEN, e, name, nlen, want) != 0 || !sign_equal(want, got))
		return -1;
	if ((time_t)e <= now)
		return -1;
	p->kind = PRINCIPAL_EDITOR;
	memcpy(p->name, name, nlen + 1);
	memcpy(p->credential, value, SESSION_TOKEN_LEN);
	p->credential[SESSION_TOKEN_LEN] = '\0';
	*expiry = (time_t)e;
	return 0;
}

time_t session_expiry_parse(const char *s)
{
	struct tm tm = { 0 };
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end)
		return -1;
	return timegm(&tm);
}
