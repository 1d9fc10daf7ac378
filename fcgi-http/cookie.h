/*
 * cookie: reading one cookie from a request's Cookie header (RFC 6265 syntax) and
 * formatting a Set-Cookie value with the attributes this project always wants:
 * Path=/, HttpOnly, SameSite=Lax, and Secure when the request came over HTTPS.
 */
#ifndef FCGI_COOKIE_H
#define FCGI_COOKIE_H

#include <stddef.h>

/*
 * Copy the value of cookie name from header ("a=1; b=2") into out (capacity cap).
 * Returns 0, or -1 when absent, too long for out, or header is NULL. Surrounding
 * double quotes are removed.
 */
int cookie_get(const char *header, const char *name, char *out, size_t cap);

/*
 * "name=value; Path=/; Max-Age=N; HttpOnly; SameSite=Lax[; Secure]" into out.
 * max_age < 0 leaves Max-Age out (a session cookie); 0 deletes the cookie. Returns 0,
 * or -1 when out is too small or name/value hold characters a cookie cannot carry.
 */
int cookie_format(char *out, size_t cap, const char *name, const char *value, long max_age,
                  int secure);

#endif
