/*
 * harness: what integration tests share. The stack under test is described by the
 * environment tests/integration/run.sh exports from RUN_DIR/env (BASE_URL,
 * MYSQL_SOCKET, DB_USER, DB_PASS, RUN_DIR …). Helpers: HTTP requests through nginx
 * (libcurl), SQL over the stack's unix socket (libmariadb), stopping and starting the
 * stack's MariaDB, running the backend binary, and unique names per test. Writes carry
 * the run's API token (h_set_token).
 */
#ifndef INTEGRATION_HARNESS_H
#define INTEGRATION_HARNESS_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct h_resp {
	long status;
	char *headers; /* raw header block of the last response */
	char *body;    /* NUL-terminated */
	size_t body_len;
};

/* The value of an exported variable; aborts the test when unset. */
const char *h_env(const char *name);

/* method path (appended to BASE_URL) with optional content type and body (len bytes;
 * SIZE_MAX: strlen). Returns 0, or -1 when the request could not be made. */
int h_request(const char *method, const char *path, const char *content_type, const char *body,
              size_t len, struct h_resp *out);
/* The same with extra header lines ("Name: value", NULL-terminated); then no bearer
 * token is added (the test says exactly what it sends). */
int h_request_h(const char *method, const char *path, const char *const headers[],
                const char *content_type, const char *body, size_t len, struct h_resp *out);

/*
 * Writes are for editors: h_request sends "Authorization: Bearer <token>" with every
 * request other than GET and HEAD. The token is INTEGRATION_TOKEN (an API token
 * run.sh creates for the run) unless set here: NULL for an anonymous client, or
 * another token; H_TOKEN_DEFAULT to go back. Returns the one in use before.
 */
extern const char h_token_default[];
#define H_TOKEN_DEFAULT h_token_default
const char *h_set_token(const char *token);

/* Shorthands: GET path; send JSON body with method. */
int h_get(const char *path, struct h_resp *out);
int h_json_request(const char *method, const char *path, const char *json, struct h_resp *out);
/* A header's value (case-insensitive name), malloc'd, or NULL. */
char *h_header(const struct h_resp *r, const char *name);
/* The body parsed as JSON (caller deletes), or NULL. */
cJSON *h_body_json(const struct h_resp *r);
void h_resp_free(struct h_resp *r);

/* Run SQL on the stack's database (db NULL: "users") as the app user over the unix
 * socket. h_sql returns 0 or -1; h_sql_value returns the first column of the first row
 * (malloc'd; NULL when no row or NULL); h_sql_count the number of result rows. */
int h_sql(const char *db, const char *sql);
char *h_sql_value(const char *db, const char *sql);
long h_sql_count(const char *db, const char *sql);
/* Run SQL expected to fail: returns the server's error number (0 on success), quietly. */
unsigned h_sql_errno(const char *db, const char *sql);
/* The named column of the first row (EXPLAIN output…), malloc'd, or NULL. */
char *h_sql_field(const char *db, const char *sql, const char *column);

/* scripts/stack.sh db-stop / db-start for this stack. Return the exit status. */
int h_db_stop(void);
int h_db_start(void);

/* Run the backend binary with extra environment (NULL-terminated "K=V" list) and
 * arguments; capture stdout+stderr into *output (malloc'd). Returns the exit status. */
int h_backend(const char *const env[], const char *const args[], char **output);

/* A name unique to this run and call: prefix + pid + counter (kept within 30 chars). */
char *h_unique(const char *prefix);

/* JSON-escape s into a new {"userName":"…"} body (via cJSON). */
char *h_user_body(const char *name);

/* POST a user; returns its id (failing the test otherwise). The user is deleted again
 * when the test process exits. */
long h_create_user(const char *name);
/* Delete user id when the test process exits (for users created by other means). */
void h_forget_user(long id);

#endif
