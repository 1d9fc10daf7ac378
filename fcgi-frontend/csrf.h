/*
 * csrf: protection for every form that writes. The scheme is a signed double submit:
 *
 *   - each browser gets a random value in the cookie "csrf" (32 random bytes as hex;
 *     HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS);
 *   - each form carries csrf_token = EXPIRY "." HMAC-SHA256(SECRET_KEY, cookie "|" EXPIRY),
 *     EXPIRY being a Unix time;
 *   - a POST is accepted only when the cookie is present and well formed, the token's
 *     signature matches it (constant-time compare) and EXPIRY has not passed.
 *
 * Another site can neither read the cookie nor compute a token for it without the key,
 * and a token copied from one browser is useless with another browser's cookie.
 */
#ifndef FRONTEND_CSRF_H
#define FRONTEND_CSRF_H

#include <stddef.h>
#include <time.h>

#include "sign.h"

#define CSRF_COOKIE     "csrf"
#define CSRF_FIELD      "csrf_token"
#define CSRF_COOKIE_LEN 64 /* hex characters */
#define CSRF_TOKEN_MAX  96 /* enough for "EXPIRY.HEX" + NUL */

enum csrf_result {
	CSRF_OK,
	CSRF_NO_COOKIE, /* the browser sent no (well-formed) csrf cookie */
	CSRF_MISSING,   /* the form carried no token */
	CSRF_FORGED,    /* malformed token, or a signature that does not match */
	CSRF_EXPIRED,   /* a genuine token past its expiry */
};

/* A new random cookie value (CSRF_COOKIE_LEN hex digits + NUL); 0, or -1. */
int csrf_new_cookie(char out[CSRF_COOKIE_LEN + 1]);
/* 1 when value has the shape of a cookie csrf_new_cookie made. */
int csrf_cookie_valid(const char *value);
/* The token for cookie, valid until now + ttl seconds; 0, or -1. */
int csrf_token(const struct sign_key *key, const char *cookie, time_t now, long ttl,
               char out[CSRF_TOKEN_MAX]);
enum csrf_result csrf_check(const struct sign_key *key, const char *cookie, const char *token,
                            time_t now);
const char *csrf_result_str(enum csrf_result r);

#endif
