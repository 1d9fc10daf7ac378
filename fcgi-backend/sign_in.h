/*
 * sign_in: turning a name and a password (or the editor an authenticating proxy
 * named) into a session, at a cost to whoever guesses.
 *
 *   - Back-off per name tried (table sign_in_failures), whether or not an editor has
 *     that name: SIGN_IN_FREE_FAILURES failures in a row cost nothing (typos), each
 *     one after that doubles the wait before the next attempt is even looked at —
 *     2 s, 4 s, … up to SIGN_IN_MAX_DELAY — and an attempt during the wait is refused
 *     at once (429 with Retry-After), without checking the password. A success, or a
 *     day without failures, starts the count again. Unknown names back off exactly as
 *     known ones do, so the wait tells nothing about which names exist.
 *   - Equal time: an unknown name, a disabled editor and an editor without a password
 *     are checked against a dummy hash of the same cost (password_dummy_hash), so a
 *     refusal takes as long as a wrong password for a real editor.
 *   - No fixation: every success makes a new random session; nothing the client sends
 *     becomes a session.
 *
 * nginx adds a per-address limit in front (nginx/README.md "Sign-in limit").
 */
#ifndef BACKEND_SIGN_IN_H
#define BACKEND_SIGN_IN_H

#include <stddef.h>

#include "db.h"
#include "form_nonces.h"
#include "principal.h"
#include "token.h"

#define SIGN_IN_FREE_FAILURES 5
#define SIGN_IN_MAX_DELAY     900 /* seconds */

/* Seconds to wait after the n-th failure in a row: 0 up to SIGN_IN_FREE_FAILURES, then
 * 2, 4, 8, … capped at SIGN_IN_MAX_DELAY. */
long sign_in_delay(long failures);

enum sign_in_status {
	SIGN_IN_OK,        /* a new session: result.token, result.expires, result.who */
	SIGN_IN_REFUSED,   /* wrong name or password, disabled editor (one answer for all) */
	SIGN_IN_THROTTLED, /* too many failures for this name: retry_after seconds */
	SIGN_IN_FAILED,    /* the database: result.db says how */
	SIGN_IN_REPLAYED,  /* the sign-in form's nonce was spent already: no session */
};

struct sign_in_result {
	enum sign_in_status status;
	enum db_status db;
	long retry_after;
	struct principal who;
	char token[TOKEN_LEN + 1]; /* the new session's token: shown once */
	char expires[32];
};

/* The request a sign-in comes with: its id for the audit trail, the session length,
 * and the sign-in form's nonce (NULL: none), spent with the new session in one
 * transaction (form_nonces.h): a refused password spends nothing. */
struct sign_in_request {
	long session_ttl;
	const char *request_id;
	const struct form_nonce *nonce;
};

void sign_in_password(struct db *db, const struct sign_in_request *req, const char *name,
                      const char *password, size_t len, struct sign_in_result *out);

/* A session for the editor an authenticating proxy named (nginx's SSO_USER): it must
 * be an enabled editor; no password, no back-off (the proxy did the checking). */
void sign_in_sso(struct db *db, const struct sign_in_request *req, const char *name,
                 struct sign_in_result *out);

#endif
