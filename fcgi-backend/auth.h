/*
 * auth: who may write through the API. Reads are public; a route flagged ROUTE_EDITOR
 * needs a bearer token — a session's (sign-in) or an API token — in the Authorization
 * header (RFC 6750 §2.1). The backend's two dispatcher hooks live here:
 *
 *   backend_authenticate     a token in the URL (RFC 6750 §2.3) is refused on every
 *                            route (400: it has already leaked into logs); on an
 *                            editors' route the bearer token is looked up (one index
 *                            probe) and becomes r->principal, and a token that is
 *                            unknown, expired or revoked gets 401 error="invalid_token";
 *   backend_unauthenticated  no credentials at all: 401 with WWW-Authenticate: Bearer.
 *
 * Public routes never touch the credentials tables, so reads cost what they did.
 */
#ifndef BACKEND_AUTH_H
#define BACKEND_AUTH_H

#include "request.h"
#include "settings.h"

struct auth_config {
	int session_ttl; /* SESSION_TTL: seconds a sign-in lasts */
	int sso;         /* SSO: 1 to trust nginx's SSO_USER param (POST /api/v1/sessions/sso) */
	/* FIRST_EDITOR, FIRST_EDITOR_PASSWORD_FILE: the editor `migrate` adds when missing
	 * (a deployment's first account, from a Secret); "" for none. */
	const char *first_editor, *first_editor_password_file;
};

/* SESSION_TTL, SSO, FIRST_EDITOR, FIRST_EDITOR_PASSWORD_FILE, into a struct auth_config. */
extern const struct setting auth_settings[];

#define AUTH_REALM "fcgi-users"

int backend_authenticate(struct request *r, void *svc);
void backend_unauthenticated(struct request *r, void *svc);

/* The request id nginx gave this request ("" when none), for the audit trail. */
const char *auth_request_id(const struct request *r);

#endif
