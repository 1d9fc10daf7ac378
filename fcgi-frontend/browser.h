/*
 * browser: the little state a browser keeps for this site, in two cookies.
 *
 *   csrf  — the per-browser random value the CSRF tokens are bound to (csrf.h). Set on
 *           the first page that shows a form; a session cookie.
 *   flash — a one-time confirmation shown after a redirect ("Added Ann."): the text as
 *           hex plus its HMAC, so nobody else can make the site say something; it lives
 *           60 seconds and the page that shows it deletes it.
 *
 * Both are HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over HTTPS
 * (HTTPS=on or REQUEST_SCHEME=https from nginx, or X-Forwarded-Proto: https from a
 * TLS-terminating proxy: that can only make a cookie stricter).
 */
#ifndef FRONTEND_BROWSER_H
#define FRONTEND_BROWSER_H

#include <stddef.h>

#include "csrf.h"
#include "frontend.h"
#include "request.h"

#define FLASH_COOKIE "flash"
#define FLASH_MAX    200 /* bytes of message */

int browser_is_https(const struct request *r);

/* A token for the forms of the page being built; sets the csrf cookie when the
 * browser has none (or a malformed one). 0, or -1 on a libcrypto failure. */
int browser_csrf_token(struct request *r, const struct frontend *fe, char out[CSRF_TOKEN_MAX]);
/* Check the token a form sent against the browser's cookie. */
enum csrf_result browser_csrf_check(const struct request *r, const struct frontend *fe,
                                    const char *token);

/* Queue a confirmation for the next page (adds a Set-Cookie). */
void browser_flash_set(struct request *r, const struct frontend *fe, const char *msg);
/* The confirmation the browser carries, if genuine, into out (and delete the cookie).
 * Returns 1 when there was one, else 0 (out is ""). */
int browser_flash_take(struct request *r, const struct frontend *fe, char *out, size_t cap);

#endif
