/*
 * principal: who a request acts for, once the service has checked its credentials —
 * an editor (signed in with a password or through single sign-on), a program holding
 * an API token, or an operator at the command line. The dispatcher leaves it empty
 * (PRINCIPAL_NONE) for anonymous requests; a route flagged ROUTE_EDITOR runs only with
 * one set. Every principal has the editor role: it is the only role there is.
 *
 * Header only: both services fill it their own way (the backend from a bearer token
 * and the database, the frontend from its signed session cookie).
 */
#ifndef FCGI_PRINCIPAL_H
#define FCGI_PRINCIPAL_H

#define PRINCIPAL_NAME_MAX       128 /* bytes of an editor or token name */
#define PRINCIPAL_CREDENTIAL_MAX 64  /* bytes of the bearer token it presented */

enum principal_kind {
	PRINCIPAL_NONE,     /* anonymous */
	PRINCIPAL_EDITOR,   /* an editor, through a session */
	PRINCIPAL_TOKEN,    /* a program, through an API token */
	PRINCIPAL_OPERATOR, /* someone at the command line (fcgi-backend editor|token) */
};

struct principal {
	enum principal_kind kind;
	long long id;         /* editors.id or api_tokens.id; 0 for an operator */
	long long session_id; /* sessions.id when it came with a session token, else 0 */
	char name[PRINCIPAL_NAME_MAX + 1];
	/* The bearer token it presented (the frontend forwards it on the backend calls it
	 * makes for this request); "" when none. */
	char credential[PRINCIPAL_CREDENTIAL_MAX + 1];
};

/* "editor", "token", "cli" (how the audit trail names the kind), "" for none. */
static inline const char *principal_kind_name(enum principal_kind k)
{
	switch (k) {
	case PRINCIPAL_EDITOR:
		return "editor";
	case PRINCIPAL_TOKEN:
		return "token";
	case PRINCIPAL_OPERATOR:
		return "cli";
	case PRINCIPAL_NONE:
		break;
	}
	return "";
}

#endif
