/*
 * api_auth_client: the backend calls behind the sign-in pages and the user page's
 * "last change" line (DESIGN.md "Backend API"): sign in with a password or through
 * single sign-on, sign out, and the newest audit entry about one user. Built on
 * api_call_json, so they share the transport, the timeouts and the error mapping.
 */
#ifndef FRONTEND_API_AUTH_CLIENT_H
#define FRONTEND_API_AUTH_CLIENT_H

#include "api_client.h"

struct api_session {
	char token[PRINCIPAL_CREDENTIAL_MAX + 1];
	char expires_at[40]; /* RFC 3339 UTC */
	char editor[PRINCIPAL_NAME_MAX + 1];
};

/* POST /api/v1/sessions. API_UNAUTHORIZED: wrong name or password; API_THROTTLED:
 * err->retry_after seconds; API_INVALID: not a name or password at all. */
enum api_status api_sign_in(struct api_client *c, const char *name, const char *password,
                            struct api_session *out, struct api_error *err);

/* POST /api/v1/sessions/sso. Over http:// (through nginx) with the browser's Cookie
 * header, so that nginx asks the authenticating proxy itself and hands the backend
 * SSO_USER; over fcgi:// (the pool straight, no nginx between) with sso_user, the
 * SSO_USER param nginx gave this frontend, as the same param. API_FORBIDDEN: not an
 * editor here. */
enum api_status api_sign_in_sso(struct api_client *c, const char *browser_cookies,
                                const char *sso_user, struct api_session *out,
                                struct api_error *err);

/* DELETE /api/v1/sessions/current, as the editor the client acts for. */
enum api_status api_sign_out(struct api_client *c, struct api_error *err);

struct api_change {
	char at[40];
	char action[32];     /* user.create, user.rename, user.delete */
	char actor_kind[16]; /* editor, token, cli */
	char actor_name[PRINCIPAL_NAME_MAX + 1];
	char old_name[USER_NAME_MAX_BYTES + 1], new_name[USER_NAME_MAX_BYTES + 1];
};

/* GET /api/v1/audit?userId=id&limit=1 (editors only): *found 0 when no change of that
 * user was recorded (users older than the audit trail). */
enum api_status api_last_change(struct api_client *c, long long user_id, struct api_change *out,
                                int *found, struct api_error *err);

/* Parsing, for the unit tests: 0, or -1 when json is not what the API promises. */
int api_parse_session(const char *json, struct api_session *out);
int api_parse_last_change(const char *json, struct api_change *out, int *found);

#endif
