/*
 * session_cookie: what the session cookie (site_cookies.h SITE_COOKIE_SESSION) holds
 * once an editor has signed in — the backend's session token, its expiry and the
 * editor's name — signed with SECRET_KEY:
 *
 *   TOKEN "." EXPIRY "." HMAC-SHA256(key, "session|" TOKEN "|" EXPIRY "|" NAME) "." NAME
 *
 * The frontend holds no database, so the backend alone can say whether a session is
 * alive; it is asked on every write (the token goes along as a bearer token). The
 * signature lets the pages decide who is asking without asking the backend on every
 * read: a cookie someone made up, or edited (another name, a later expiry), is
 * ignored, and an expired one too. A genuine cookie whose session was ended elsewhere
 * (signed out on another device, password changed, editor disabled) still shows the
 * forms, and its first write is refused by the backend: the editor is sent to sign
 * in again and nothing is written.
 */
#ifndef FRONTEND_SESSION_COOKIE_H
#define FRONTEND_SESSION_COOKIE_H

#include <stddef.h>
#include <time.h>

#include "principal.h"
#include "sign.h"

#define SESSION_COOKIE_MAX 320 /* bytes of a value, NUL included */

/* The value for token, valid until expiry, naming name, into out. 0, or -1 when a
 * part cannot be carried (a name or token outside their alphabets, libcrypto). */
int session_cookie_make(const struct sign_key *key, const char *token, time_t expiry,
                        const char *name, char out[SESSION_COOKIE_MAX]);

/* A genuine, unexpired value (at time now) into p: an editor with its name and the
 * token as credential; *expiry gets the expiry. 0, or -1 (p left empty). */
int session_cookie_read(const struct sign_key *key, const char *value, time_t now,
                        struct principal *p, time_t *expiry);

/* "2026-01-02T03:04:05Z" (the backend's expiresAt) as a time_t; -1 when malformed. */
time_t session_expiry_parse(const char *rfc3339);

#endif
