/*
 * credentials: the bearer tokens the database knows — sessions (an editor signed in;
 * they expire) and API tokens (a program; they last until revoked) — stored as the
 * SHA-256 of the token only (token.h). A lookup turns a token into a principal, or
 * into nothing: unknown, expired, revoked and a disabled editor's sessions all look
 * the same from outside. Each use sets the last-used time, at most once a minute per
 * credential, so a busy client does not turn every request into a write.
 */
#ifndef BACKEND_CREDENTIALS_H
#define BACKEND_CREDENTIALS_H

#include "db.h"
#include "principal.h"
#include "token.h"

#define TOKEN_NAME_MAX 64 /* api_tokens.name: same characters as an editor name */

/* A new session for editor_id lasting ttl seconds: the token (shown once, never
 * stored), its expiry as RFC 3339 UTC and its id. Also deletes some expired sessions. */
enum db_status sessions_create(struct db *db, long long editor_id, long ttl,
                               char token[TOKEN_LEN + 1], char expires[32], long long *id);
/* Sign-out: the session is deleted (its token is worth nothing from now on). */
enum db_status sessions_delete(struct db *db, long long session_id);

/*
 * The principal for a bearer token (a session's editor, or an API token), with
 * p->credential left empty. *found 0 when the token is unknown, expired, revoked, or
 * its editor disabled. Reads the primary database: a session made a moment ago must
 * work at once.
 */
enum db_status credentials_lookup(struct db *db, const char *token, struct principal *p,
                                  int *found);

/* A new API token called name: DB_DUPLICATE when the name is in use. */
enum db_status api_tokens_create(struct db *db, const char *name, char token[TOKEN_LEN + 1],
                                 long long *id);
/* Revoke (delete) the token called name: *found 0 when there is none. */
enum db_status api_tokens_revoke(struct db *db, const char *name, int *found);

struct api_token_info {
	char name[TOKEN_NAME_MAX + 1];
	char created[32];
	char last_used[32]; /* "" when never */
};
/* Every API token, by name. */
enum db_status api_tokens_list(struct db *db,
                               void (*each)(const struct api_token_info *t, void *arg), void *arg);

#endif
