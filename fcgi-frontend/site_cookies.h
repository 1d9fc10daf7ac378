/*
 * site_cookies: the one place that names the cookies this site sets and says how.
 * Everything that reads or sets a cookie of ours (CSRF, flash, the editors' session)
 * goes through it, so the attacks on cookies are answered once:
 *
 *   - Cookie tossing. A page on a sibling subdomain (evil.example.com) may set a
 *     cookie for the whole domain, or for a longer path; the browser then sends both
 *     ("csrf=<attacker>; csrf=<victim>") and the first one used to win. Over TLS our
 *     cookies carry the __Host- prefix ("__Host-csrf"): a browser accepts such a
 *     cookie only with Secure, Path=/ and no Domain, set by this very host, so nobody
 *     else can plant one. And a request that carries any cookie of ours twice (either
 *     spelling) is refused outright (site_cookies_duplicate), whatever the scheme.
 *   - Plain HTTP (the local stack on http://127.0.0.1, the browser test, a VM without
 *     TLS): a browser refuses Secure cookies from http:// pages, and __Host- needs
 *     Secure, so there the names are plain ("csrf"), not Secure. The duplicate
 *     refusal and the same-origin check on writes (same_origin.h) still hold.
 *
 * "Over TLS" is the request's own word (HTTPS=on or REQUEST_SCHEME=https from nginx,
 * X-Forwarded-Proto: https from the TLS-terminating ingress), or a setting that
 * forces it (COOKIE_SECURE=1) for a proxy that says nothing. A client that claims TLS
 * falsely only gets names its browser will not keep.
 *
 * Every cookie is HttpOnly, SameSite=Lax, Path=/, never with Domain.
 */
#ifndef FRONTEND_SITE_COOKIES_H
#define FRONTEND_SITE_COOKIES_H

#include <stddef.h>

#include "request.h"

enum site_cookie {
	SITE_COOKIE_CSRF,    /* the per-browser value CSRF tokens are bound to (csrf.h) */
	SITE_COOKIE_FLASH,   /* a one-time confirmation after a redirect (browser.h) */
	SITE_COOKIE_SESSION, /* an editor's session (issue 17) */
	SITE_COOKIE__MAX,
};

/* 1 when this request's cookies are the __Host-/Secure kind: it came over TLS, or
 * force (the COOKIE_SECURE setting) is set. */
int site_cookies_secure(const struct request *r, int force);

/* The cookie's name for a request of that kind: "__Host-csrf" (secure) or "csrf". */
const char *site_cookie_name(enum site_cookie c, int secure);

/*
 * The first cookie of ours (in either spelling) that the request's Cookie header(s)
 * carry more than once, or NULL when there is none. A request for which this is not
 * NULL must be refused (400) before anything reads a cookie.
 */
const char *site_cookies_duplicate(const struct request *r);

/* The value of cookie c (the spelling for secure) into out; 0, or -1 when absent or
 * longer than cap - 1. */
int site_cookie_get(const struct request *r, enum site_cookie c, int secure, char *out, size_t cap);

/* Add the Set-Cookie header for c. max_age < 0: until the browser closes; 0: delete.
 * 0, or -1 when the value cannot be a cookie value or the header could not be added. */
int site_cookie_set(struct request *r, enum site_cookie c, int secure, const char *value,
                    long max_age);

/* How many cookies named name a Cookie header value holds ("a=1; a=2": 2). */
int cookie_count(const char *header, const char *name);

#endif
