/*
 * auth: see auth.h. The answers follow RFC 6750 §3: no credentials → 401 with a bare
 * "Bearer" challenge; a bad token → 401 with error="invalid_token"; a token in the
 * URL → 400 with error="invalid_request". Bodies are problem+json like every error.
 */
#include "auth.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "credentials.h"
#include "http.h"
#include "log.h"
#include "token.h"

const struct setting auth_settings[] = {
	{ .name = "SESSION_TTL",
	  .set = setting_int,
	  .offset = offsetof(struct auth_config, session_ttl),
	  .fallback = "28800",
	  .min = 300,
	  .max = 2592000,
	  .help = "seconds an editor's sign-in lasts (300 to 30 days)" },
	{ .name = "SSO",
	  .set = setting_flag,
	  .offset = offsetof(struct auth_config, sso),
	  .fallback = "0",
	  .help = "1: sign editors in by nginx's SSO_USER param (nginx/render.sh --sso-url)" },
	{ .name = "FIRST_EDITOR",
	  .set = setting_text,
	  .offset = offsetof(struct auth_config, first_editor),
	  .fallback = "",
	  .help = "migrate adds this editor when missing (password: FIRST_EDITOR_PASSWORD_FILE)" },
	{ .name = "FIRST_EDITOR_PASSWORD_FILE",
	  .set = setting_text,
	  .offset = offsetof(struct auth_config, first_editor_password_file),
	  .fallback = "",
	  .help = "file whose first line is FIRST_EDITOR's password (a mounted Secret)" },
	{ 0 },
};

const char *auth_request_id(const struct request *r)
{
	const char *id = request_param(r, "REQUEST_ID");
	return id ? id : "";
}

static void challenge(struct request *r, int status, const char *error, const char *detail)
{
	char value[160];
	if (error)
		snprintf(value, sizeof value, "Bearer realm=\"" AUTH_REALM "\", error=\"%s\"",
		         error);
	else
		snprintf(value, sizeof value, "Bearer realm=\"" AUTH_REALM "\"");
	resp_header(r, "WWW-Authenticate", value);
	http_error(r, status, detail);
}

int backend_authenticate(struct request *r, void *svc)
{
	struct backend *b = svc;
	if (token_in_query(r->query_string)) {
		log_kv(LOG_WARN, "credential in a URL refused", "path", r->path, NULL);
		challenge(r, 400, "invalid_request",
		          "credentials belong in the Authorization header, never in the URL; "
		          "revoke this token, it may have been logged");
		return -1;
	}
	if (!(r->route->flags & ROUTE_EDITOR))
		return 0; /* public: no lookup, whatever the request carries */
	const char *header = request_header(r, "Authorization");
	if (!header || !*header)
		return 0; /* anonymous: the dispatcher answers with backend_unauthenticated */
	char token[TOKEN_LEN + 1];
	int found = 0;
	enum db_status st = DB_OK;
	if (token_from_authorization(header, token) >= 0)
		st = credentials_lookup(&b->db, token, &r->principal, &found);
	explicit_bzero(token, sizeof token);
	if (st != DB_OK) {
		resp_header(r, "Retry-After", "1");
		http_error(r, 503, "the database is not available; try again shortly");
		return -1;
	}
	if (!found) {
		challenge(r, 401, "invalid_token",
		          "the token is not valid: unknown, expired, revoked, or its editor "
		          "disabled");
		return -1;
	}
	return 0;
}

void backend_unauthenticated(struct request *r, void *svc)
{
	(void)svc;
	challenge(r, 401, NULL,
	          "sign in (POST /api/v1/sessions) or use an API token: "
	          "Authorization: Bearer <token>");
}
