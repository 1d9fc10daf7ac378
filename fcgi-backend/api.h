/*
 * api: the backend's HTTP routes (the "Backend API" table of DESIGN.md) and their
 * handlers. The service every handler gets is a struct backend: the worker's database
 * connection, its connection to the read replica when there is one, and the sign-in
 * settings. Writes are for editors (ROUTE_EDITOR, auth.h).
 */
#ifndef BACKEND_API_H
#define BACKEND_API_H

#include "auth.h"
#include "db.h"
#include "http.h"

struct backend {
	struct db db;                   /* db_init'ed in worker_init, one per worker */
	const struct auth_config *auth; /* SESSION_TTL, SSO (auth.h) */
	/* DATABASE_READ_URI: the replica reads go to, when has_read. A client that has
	 * just written reads from db instead (api.c backend_reader). */
	struct db read_db;
	int has_read;
	long read_down_until; /* CLOCK_MONOTONIC seconds: the replica failed, use db */
};

/* Answer a database failure: 503 with Retry-After when it is unavailable, else 500. */
void api_db_failed(struct request *r, enum db_status st);

struct form_nonce;
/* The form nonce a page's write carries (FORM_NONCE_HEADER, form_nonces.h) into n: 0
 * (n->hex "" when none came), or -1 after answering 400 for a malformed one. */
int api_form_nonce(struct request *r, struct form_nonce *n);
/* 409 with problem type FORM_SENT_PROBLEM: the form's nonce was spent already. */
void api_form_sent(struct request *r);

extern const struct http_app backend_http;

#endif
