/*
 * csrf: protection for every form that writes. The scheme is a signed double submit,
 * each token bound to one form and good for one write:
 *
 *   - each browser gets a random value in its CSRF cookie (32 random bytes as hex;
 *     "__Host-csrf" over TLS, "csrf" over plain HTTP: site_cookies.h);
 *   - each form carries csrf_token = EXPIRY "." NONCE "." HMAC-SHA256(SECRET_KEY,
 *     cookie "|" EXPIRY "|" NONCE "|" ACTION), EXPIRY a Unix time, NONCE 16 random
 *     bytes as hex (new for every form shown) and ACTION the path the form posts to
 *     ("/users/7/delete");
 *   - a POST is accepted only when the cookie is present and well formed, the token's
 *     signature matches it for the path posted to (constant-time compare) and EXPIRY
 *     has not passed.
 *
 * Another site can neither read the cookie nor compute a token for it without the key;
 * a token copied from one browser is useless with another browser's cookie; and a
 * token that leaks from one form (the delete page of user 7) cannot post any other
 * form (delete user 8, add a user). Tokens live CSRF_TOKEN_TTL seconds (30 minutes by
 * default).
 *
 * One use: this file keeps no state (several workers and replicas share nothing). The
 * nonce is what makes a token one-use: the page that accepted a form hands the nonce
 * and its expiry to the backend with the one write the form makes (api_client.h
 * "Form-Nonce"), and the backend records it in that write's own transaction; the same
 * nonce again is refused there (409, "this form was already sent"), while a write
 * refused for its content rolls back and leaves the nonce unspent
 * (docs/security.md "One-use form tokens"). The nonce is inside the MAC, so it cannot
 * be changed to make a spent token fresh. Where the request itself comes from is
 * checked apart (same_origin.h).
 */
#ifndef FRONTEND_CSRF_H
#define FRONTEND_CSRF_H

#include <stddef.h>
#include <time.h>

#include "sign.h"

#define CSRF_FIELD      "csrf_token"
#define CSRF_COOKIE_LEN 64  /* hex characters */
#define CSRF_NONCE_LEN  32  /* hex characters: 16 random bytes */
#define CSRF_TOKEN_MAX  128 /* enough for "EXPIRY.NONCE.HEX" + NUL */
#define CSRF_ACTION_MAX 256 /* bytes of the path a token names */

enum csrf_result {
	CSRF_OK,
	CSRF_NO_COOKIE,  /* the browser sent no (well-formed) csrf cookie */
	CSRF_MISSING,    /* the form carried no token */
	CSRF_FORGED,     /* malformed token, a signature that does not match, another form's */
	CSRF_EXPIRED,    /* a genuine token past its expiry */
	CSRF_CROSS_SITE, /* the browser says another site sent it (same_origin.h) */
};

/* A new random cookie value (CSRF_COOKIE_LEN hex digits + NUL); 0, or -1. */
int csrf_new_cookie(char out[CSRF_COOKIE_LEN + 1]);
/* 1 when value has the shape of a cookie csrf_new_cookie made. */
int csrf_cookie_valid(const char *value);
/* The token for cookie and the form posting to action, valid until now + ttl seconds;
 * 0, or -1. */
int csrf_token(const struct sign_key *key, const char *cookie, const char *action, time_t now,
               long ttl, char out[CSRF_TOKEN_MAX]);
/* The token with a given nonce (CSRF_NONCE_LEN lowercase hex digits) and expiry: what
 * csrf_token makes with a random nonce, and what a check can compare with. 0, or -1. */
int csrf_token_make(const struct sign_key *key, const char *cookie, const char *action,
                    long long expiry, const char *nonce, char out[CSRF_TOKEN_MAX]);

/* What an accepted token carries for the one-use check: its nonce and expiry. */
struct csrf_form {
	char nonce[CSRF_NONCE_LEN + 1];
	long long expiry;
};

/* Is token a token for cookie and action, unexpired at now? */
enum csrf_result csrf_check(const struct sign_key *key, const char *cookie, const char *action,
                            const char *token, time_t now);
/* The same, and when CSRF_OK the token's nonce and expiry into form (may be NULL). */
enum csrf_result csrf_check_form(const struct sign_key *key, const char *cookie, const char *action,
                                 const char *token, time_t now, struct csrf_form *form);
const char *csrf_result_str(enum csrf_result r);

#endif
