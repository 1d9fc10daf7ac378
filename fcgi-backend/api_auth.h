/*
 * api_auth: the handlers of the sign-in and audit routes (DESIGN.md "Backend API"),
 * listed in api.c's route table beside the users' routes:
 *
 *   POST   /api/v1/sessions          {"name","password"} → 201 {"token","expiresAt","editor"}
 *   POST   /api/v1/sessions/sso      the editor nginx's SSO_USER names (SSO=1) → 201, same
 *   GET    /api/v1/sessions/current  who the bearer token is (editors)
 *   DELETE /api/v1/sessions/current  sign out: the session's token is dead (editors)
 *   GET    /api/v1/audit             the audit trail, newest first, paged (editors)
 */
#ifndef BACKEND_API_AUTH_H
#define BACKEND_API_AUTH_H

#include "http.h"

enum { SESSION_NAME, SESSION_PASSWORD };
extern const struct input_def session_create_in[];
void session_create(struct request *r, void *svc);
void session_create_sso(struct request *r, void *svc);
void session_show(struct request *r, void *svc);
void session_delete(struct request *r, void *svc);

enum { AUDIT_LIMIT, AUDIT_BEFORE, AUDIT_USER };
extern const struct input_def audit_list_in[];
void audit_page(struct request *r, void *svc);

#endif
