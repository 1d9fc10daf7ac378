/*
 * api_auth: see api_auth.h. Sign-in answers say as little as possible: one 401 for a
 * wrong name, a wrong password and a disabled editor; 429 with Retry-After while a
 * name backs off (sign_in.h). Answers that carry a token are never cached.
 */
#include "api_auth.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "audit.h"
#include "auth.h"
#include "credentials.h"
#include "editors.h"
#include "password.h"
#include "sign_in.h"

static int valid_editor_name(const struct input_def *def, const struct raw_input *raw,
                             struct input *out, char *why, size_t whylen)
{
	(void)def;
	if (raw->json && !cJSON_IsString(raw->json)) {
		snprintf(why, whylen, "must be a string");
		return -1;
	}
	if (editor_name_valid(raw->str, raw->len, why, whylen) != 0)
		return -1;
	out->str = raw->str;
	out->len = raw->len;
	return 0;
}

/* Any string up to PASSWORD_MAX_LEN bytes: the rule for new passwords is the command
 * line's to enforce; here a wrong password is just wrong. */
static int valid_password(const struct input_def *def, const struct raw_input *raw,
                          struct input *out, char *why, size_t whylen)
{
	(void)def;
	if (raw->json && !cJSON_IsString(raw->json)) {
		snprintf(why, whylen, "must be a string");
		return -1;
	}
	if (raw->len == 0 || raw->len > PASSWORD_MAX_LEN) {
		snprintf(why, whylen, "must be 1 to %d bytes", PASSWORD_MAX_LEN);
		return -1;
	}
	out->str = raw->str;
	out->len = raw->len;
	return 0;
}

const struct input_def session_create_in[] = {
	[SESSION_NAME] = { .name = "name",
	                   .src = IN_JSON,
	                   .flags = INPUT_REQUIRED,
	                   .check = valid_editor_name },
	[SESSION_PASSWORD] = { .name = "password",
	                       .src = IN_JSON,
	                       .flags = INPUT_REQUIRED,
	                       .check = valid_password },
	{ 0 },
};

/* Sessions, identities and the audit trail answer with Cache-Control: no-store (a
 * token or who did what must not stay in a cache); o is freed. */
static void answer_private(struct request *r, int status, cJSON *o)
{
	resp_header(r, "Cache-Control", "no-store");
	resp_json(r, status, o);
	cJSON_Delete(o);
}

static void answer_sign_in(struct request *r, struct sign_in_result *res)
{
	switch (res->status) {
	case SIGN_IN_OK: {
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddStringToObject(o, "token", res->token) ||
		    !cJSON_AddStringToObject(o, "expiresAt", res->expires) ||
		    !cJSON_AddStringToObject(o, "editor", res->who.name)) {
			cJSON_Delete(o);
			http_error(r, 500, "out of memory");
			break;
		}
		answer_private(r, 201, o);
		break;
	}
	case SIGN_IN_REFUSED:
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"" AUTH_REALM "\"");
		http_error(r, 401, "the name or the password is not right");
		break;
	case SIGN_IN_THROTTLED: {
		char secs[24], d[160];
		snprintf(secs, sizeof secs, "%ld", res->retry_after);
		snprintf(d, sizeof d,
		         "too many failed sign-ins for this name; try again in %ld seconds",
		         res->retry_after);
		resp_header(r, "Retry-After", secs);
		http_error(r, 429, d);
		break;
	}
	case SIGN_IN_FAILED:
		api_db_failed(r, res->db);
		break;
	case SIGN_IN_REPLAYED:
		api_form_sent(r);
		break;
	}
	explicit_bzero(res->token, sizeof res->token);
}

void session_create(struct request *r, void *svc)
{
	struct backend *b = svc;
	struct form_nonce nonce;
	if (api_form_nonce(r, &nonce) != 0)
		return;
	const struct sign_in_request req = { .session_ttl = b->auth->session_ttl,
		                             .request_id = auth_request_id(r),
		                             .nonce = &nonce };
	struct sign_in_result res;
	sign_in_password(&b->db, &req, r->in[SESSION_NAME].str, r->in[SESSION_PASSWORD].str,
	                 r->in[SESSION_PASSWORD].len, &res);
	answer_sign_in(r, &res);
}

void session_create_sso(struct request *r, void *svc)
{
	struct backend *b = svc;
	if (!b->auth->sso) {
		http_error(r, 404, "single sign-on is not enabled here");
		return;
	}
	/* Set only by nginx, only behind its auth_request (nginx/README.md). */
	const char *who = request_param(r, "SSO_USER");
	char why[120];
	if (!who || !*who) {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"" AUTH_REALM "\"");
		http_error(r, 401, "no single sign-on identity came with this request");
		return;
	}
	if (editor_name_valid(who, strlen(who), why, sizeof why) != 0) {
		http_error(r, 403, "the identity from single sign-on is not a valid editor name");
		return;
	}
	const struct sign_in_request req = { .session_ttl = b->auth->session_ttl,
		                             .request_id = auth_request_id(r) };
	struct sign_in_result res;
	sign_in_sso(&b->db, &req, who, &res);
	if (res.status == SIGN_IN_REFUSED) {
		char d[300];
		snprintf(d, sizeof d,
		         "%s is not an editor here (an operator adds one with: fcgi-backend editor "
		         "add NAME --no-password)",
		         who);
		http_error(r, 403, d);
		return;
	}
	answer_sign_in(r, &res);
}

void session_show(struct request *r, void *svc)
{
	(void)svc;
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "kind", principal_kind_name(r->principal.kind)) ||
	    !cJSON_AddStringToObject(o, "name", r->principal.name)) {
		cJSON_Delete(o);
		http_error(r, 500, "out of memory");
		return;
	}
	answer_private(r, 200, o);
}

void session_delete(struct request *r, void *svc)
{
	struct backend *b = svc;
	if (!r->principal.session_id) {
		http_error(r, 400,
		           "an API token is not a session: an operator revokes it with "
		           "fcgi-backend token revoke NAME");
		return;
	}
	enum db_status st = sessions_delete(&b->db, r->principal.session_id);
	if (st != DB_OK) {
		api_db_failed(r, st);
		return;
	}
	const struct audit_actor actor = { &r->principal, auth_request_id(r) };
	const struct audit_entry entry = { .action = AUDIT_SIGN_OUT };
	audit_record(&b->db, &actor, &entry);
	resp_no_content(r);
}

const struct input_def audit_list_in[] = {
	[AUDIT_LIMIT] = { .name = "limit",
	                  .src = IN_QUERY,
	                  .check = valid_int,
	                  .min = 1,
	                  .max = AUDIT_LIMIT_MAX,
	                  .fallback = AUDIT_LIMIT_DEFAULT },
	[AUDIT_BEFORE] = { .name = "before",
	                   .src = IN_QUERY,
	                   .check = valid_int,
	                   .min = 1,
	                   .max = 9007199254740991LL },
	[AUDIT_USER] = { .name = "userId",
	                 .src = IN_QUERY,
	                 .check = valid_int,
	                 .min = 1,
	                 .max = 4294967295LL },
	{ 0 },
};

void audit_page(struct request *r, void *svc)
{
	struct backend *b = svc;
	cJSON *o = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	if (!o || !items) {
		cJSON_Delete(o);
		http_error(r, 500, "out of memory");
		return;
	}
	long long next = 0;
	enum db_status st =
	        audit_list(&b->db, r->in[AUDIT_USER].present ? r->in[AUDIT_USER].num : 0,
	                   r->in[AUDIT_BEFORE].present ? r->in[AUDIT_BEFORE].num : 0,
	                   r->in[AUDIT_LIMIT].num, items, &next);
	if (st != DB_OK) {
		cJSON_Delete(o);
		api_db_failed(r, st);
		return;
	}
	if (next > 0) {
		char n[24];
		snprintf(n, sizeof n, "%lld", next);
		cJSON_AddStringToObject(o, "next", n);
	} else {
		cJSON_AddNullToObject(o, "next");
	}
	answer_private(r, 200, o);
}
