/*
 * browser: the little state a browser keeps for this site, in two cookies (named and
 * set by site_cookies.h: "__Host-csrf"/"__Host-flash" over TLS, "csrf"/"flash" over
 * plain HTTP).
 *
 *   csrf  — the per-browser random value the CSRF tokens are bound to (csrf.h). Set on
 *           the first page that shows a form; a session cookie.
 *   flash — a one-time confirmation shown after a redirect ("Added Ann."): the text as
 *           hex, its expiry, and an HMAC over the text, the expiry and this browser's
 *           csrf cookie. Nobody else can make the site say something; a captured flash
 *           shows on no other browser (another csrf cookie) and on none after its 60
 *           seconds (the server checks the signed expiry, whatever the cookie's own
 *           Max-Age says); the page that shows it deletes it.
 */
#ifndef FRONTEND_BROWSER_H
#define FRONTEND_BROWSER_H

#include <stddef.h>

#include "csrf.h"
#include "frontend.h"
#include "request.h"

#define FLASH_MAX 200 /* bytes of message */
#define FLASH_TTL 60  /* seconds a confirmation may wait for its page */

/* 1 when this request's cookies are the __Host-/Secure kind (site_cookies.h). */
int browser_secure(const struct request *r, const struct frontend *fe);

/* A token for the form of the page being built that posts to action ("/users");
 * sets the csrf cookie when the browser has none (or a malformed one). 0, or -1 on a
 * libcrypto failure. */
int browser_csrf_token(struct request *r, const struct frontend *fe, const char *action,
                       char out[CSRF_TOKEN_MAX]);
/* A form post: the browser must say it came from this site (same_origin.h), and the
 * token must be one made for the browser's cookie and this request's path. When
 * CSRF_OK, form (may be NULL) gets the token's nonce and expiry: the page hands them
 * to the backend with its write, which spends the nonce (csrf.h "One use"). */
enum csrf_result browser_csrf_check(const struct request *r, const struct frontend *fe,
                                    const char *token, struct csrf_form *form);

/* Queue a confirmation for the next page (adds a Set-Cookie); needs the browser's csrf
 * cookie, which every form post has. */
void browser_flash_set(struct request *r, const struct frontend *fe, const char *msg);
/* The confirmation the browser carries, if genuine, its own and in time, into out (and
 * delete the cookie). Returns 1 when there was one, else 0 (out is ""). */
int browser_flash_take(struct request *r, const struct frontend *fe, char *out, size_t cap);

#endif
