/*
 * Who may write, through nginx against the real database (issue 17): reads public,
 * anonymous writes 401 with WWW-Authenticate: Bearer and nothing written; editors
 * made with the command line sign in, write, and sign out; a signed-out, expired,
 * revoked or forged credential is refused; a token in the URL is refused; the
 * per-name back-off holds (and treats unknown names alike); password changes and
 * disabling end sessions; the audit trail records who, what and the request id, and
 * pages; the database keeps hashes only.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "harness.h"

#define PASSWORD "correct horse battery staple"

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* A file holding text as its first line; the caller unlinks and frees the path. */
static char *temp_file(const char *text)
{
	char *path = strdup("/tmp/test_auth_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* fcgi-backend ARGS… with the output captured; returns the exit status. */
static int backend(char **out, const char *a1, const char *a2, const char *a3, const char *a4,
                   const char *a5)
{
	const char *args[] = { a1, a2, a3, a4, a5, NULL };
	return h_backend(NULL, args, out);
}

/* A new editor with PASSWORD; returns its name. */
static char *new_editor(const char *prefix)
{
	char *name = h_unique(prefix);
	char *pwfile = temp_file(PASSWORD "\n");
	char *out = NULL;
	int rc = backend(&out, "editor", "add", name, "--password-file", pwfile);
	ck_assert_msg(rc == 0, "editor add: %d %s", rc, out);
	free(out);
	unlink(pwfile);
	free(pwfile);
	return name;
}

/* POST /api/v1/sessions {name, password}; the response. */
static void sign_in_raw(const char *name, const char *password, struct h_resp *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "password", password);
	char *body = cJSON_PrintUnformatted(o);
	const char *none[] = { NULL };
	ck_assert_int_eq(h_request_h("POST", "/api/v1/sessions", none, "application/json", body,
	                             SIZE_MAX, r),
	                 0);
	free(body);
	cJSON_Delete(o);
}

/* A session token for name (asserting success); caller frees. */
static char *sign_in(const char *name)
{
	struct h_resp r;
	sign_in_raw(name, PASSWORD, &r);
	ck_assert_msg(r.status == 201, "sign in %s: %ld %s", name, r.status, r.body);
	char *cc = h_header(&r, "Cache-Control");
	ck_assert_msg(cc && strstr(cc, "no-store"), "sign-in answer cacheable: %s", cc);
	free(cc);
	cJSON *j = h_body_json(&r);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(str_of(j, "editor"), name);
	ck_assert_ptr_nonnull(str_of(j, "expiresAt"));
	char *token = strdup(str_of(j, "token"));
	ck_assert_int_eq((int)strlen(token), 47);
	ck_assert(strncmp(token, "fus_", 4) == 0);
	cJSON_Delete(j);
	h_resp_free(&r);
	return token;
}

/* method path [json] with "Authorization: Bearer token" (token NULL: none). */
static void as(const char *token, const char *method, const char *path, const char *json,
               struct h_resp *r)
{
	char auth[160];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
	const char *hdrs[] = { token ? auth : NULL, NULL };
	ck_assert_int_eq(h_request_h(method, path, hdrs, json ? "application/json" : NULL, json,
	                             SIZE_MAX, r),
	                 0);
}

/* Assert a 401 with the Bearer challenge (and error=invalid_token when invalid). */
static void assert_401(struct h_resp *r, int invalid)
{
	ck_assert_msg(r->status == 401, "want 401, got %ld: %s", r->status, r->body);
	char *ct = h_header(r, "Content-Type");
	ck_assert_msg(ct && strncmp(ct, "application/problem+json", 24) == 0, "type %s", ct);
	free(ct);
	char *www = h_header(r, "WWW-Authenticate");
	ck_assert_msg(www && strncmp(www, "Bearer realm=\"fcgi-users\"", 25) == 0,
	              "WWW-Authenticate: %s", www ? www : "(none)");
	ck_assert_int_eq(strstr(www, "invalid_token") != NULL, invalid);
	free(www);
}

/* A request with this token that must be refused with 401 (see assert_401). */
static void refused_as(const char *token, const char *method, const char *path, const char *json,
                       int invalid)
{
	struct h_resp r;
	as(token, method, path, json, &r);
	assert_401(&r, invalid);
	h_resp_free(&r);
}

static long user_count(void)
{
	return h_sql_count(NULL, "SELECT id FROM users");
}

START_TEST(reads_public_writes_for_editors)
{
	h_set_token(NULL);
	struct h_resp r;
	const char *reads[] = { "/backend", "/api/v1/users", "/api/v1/users/1", "/api/v1/health" };
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
		ck_assert_int_eq(h_get(reads[i], &r), 0);
		ck_assert_msg(r.status == 200, "GET %s: %ld", reads[i], r.status);
		h_resp_free(&r);
	}
	long before = user_count();
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", "{\"userName\":\"anon\"}", &r), 0);
	assert_401(&r, 0);
	h_resp_free(&r);
	ck_assert_int_eq(h_json_request("PATCH", "/api/v1/users/1", "{\"userName\":\"anon\"}", &r),
	                 0);
	assert_401(&r, 0);
	h_resp_free(&r);
	ck_assert_int_eq(h_request("DELETE", "/api/v1/users/1", NULL, NULL, 0, &r), 0);
	assert_401(&r, 0);
	h_resp_free(&r);
	/* 401 comes before the body is looked at: a broken body is still 401, not 400. */
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", "{not json", &r), 0);
	assert_401(&r, 0);
	h_resp_free(&r);
	ck_assert_int_eq(h_get("/api/v1/audit", &r), 0);
	assert_401(&r, 0);
	h_resp_free(&r);
	ck_assert_int_eq(user_count(), before);
	char *bob = h_sql_value(NULL, "SELECT userName FROM users WHERE id = 1");
	ck_assert_str_eq(bob, "Bob");
	free(bob);
}
END_TEST

START_TEST(sign_in_write_sign_out)
{
	char *editor = new_editor("ed");
	char *token = sign_in(editor);
	char *name = h_unique("signed");
	char *body = h_user_body(name);
	struct h_resp r;
	as(token, "POST", "/api/v1/users", body, &r);
	ck_assert_msg(r.status == 201, "create as editor: %ld %s", r.status, r.body);
	cJSON *u = h_body_json(&r);
	long id = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(u, "id"));
	h_forget_user(id);
	cJSON_Delete(u);
	h_resp_free(&r);
	/* Who am I. */
	as(token, "GET", "/api/v1/sessions/current", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	cJSON *me = h_body_json(&r);
	ck_assert_str_eq(str_of(me, "kind"), "editor");
	ck_assert_str_eq(str_of(me, "name"), editor);
	cJSON_Delete(me);
	h_resp_free(&r);
	/* The audit row: who, what, and nginx's request id. */
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT CONCAT(actorKind, ':', actorName, ' ', action, ' ', newName) FROM audit "
	         "WHERE userId = %ld ORDER BY id DESC LIMIT 1",
	         id);
	char *row = h_sql_value(NULL, sql);
	char want[200];
	snprintf(want, sizeof want, "editor:%s user.create %s", editor, name);
	ck_assert_str_eq(row, want);
	free(row);
	snprintf(sql, sizeof sql,
	         "SELECT requestId FROM audit WHERE userId = %ld ORDER BY id DESC LIMIT 1", id);
	char *rid = h_sql_value(NULL, sql);
	ck_assert_msg(rid && strlen(rid) == 32 && strspn(rid, "0123456789abcdef") == 32,
	              "request id '%s'", rid ? rid : "(null)");
	free(rid);
	/* Sign out: the token is dead, a write with it writes nothing. */
	as(token, "DELETE", "/api/v1/sessions/current", NULL, &r);
	ck_assert_int_eq(r.status, 204);
	h_resp_free(&r);
	long before = user_count();
	char *again = h_user_body("replayed");
	refused_as(token, "POST", "/api/v1/users", again, 1);
	refused_as(token, "DELETE", "/api/v1/sessions/current", NULL, 1);
	ck_assert_int_eq(user_count(), before);
	free(again);
	free(body);
	free(name);
	free(token);
	free(editor);
}
END_TEST

START_TEST(new_session_each_sign_in)
{
	char *editor = new_editor("fix");
	char *a = sign_in(editor), *b = sign_in(editor);
	ck_assert_str_ne(a, b); /* nothing carried over: no fixation */
	struct h_resp r;
	as(a, "GET", "/api/v1/sessions/current", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	h_resp_free(&r);
	as(b, "DELETE", "/api/v1/sessions/current", NULL, &r);
	ck_assert_int_eq(r.status, 204);
	h_resp_free(&r);
	as(a, "GET", "/api/v1/sessions/current", NULL, &r); /* only b's session ended */
	ck_assert_int_eq(r.status, 200);
	h_resp_free(&r);
	free(a);
	free(b);
	free(editor);
}
END_TEST

START_TEST(forged_and_malformed_credentials_refused)
{
	struct h_resp r;
	long before = user_count();
	/* The right shape, never issued. */
	refused_as("fus_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "POST", "/api/v1/users",
	           "{\"userName\":\"forged\"}", 1);
	as("fut_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "DELETE", "/api/v1/users/1", NULL,
	   &r);
	assert_401(&r, 1);
	h_resp_free(&r);
	const char *bad[] = { "Authorization: Basic ZWRpdG9yOnB3", "Authorization: Bearer",
		              "Authorization: Bearer x' OR '1'='1", "Authorization: Bearer fus_" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *hdrs[] = { bad[i], NULL };
		ck_assert_int_eq(h_request_h("POST", "/api/v1/users", hdrs, "application/json",
		                             "{\"userName\":\"forged\"}", SIZE_MAX, &r),
		                 0);
		ck_assert_msg(r.status == 401, "%s: %ld", bad[i], r.status);
		h_resp_free(&r);
	}
	/* The run's API token still works, and a session token is not an API token. */
	char *editor = new_editor("kind");
	char *token = sign_in(editor);
	char swapped[64];
	snprintf(swapped, sizeof swapped, "fut_%s", token + 4);
	refused_as(swapped, "DELETE", "/api/v1/users/1", NULL, 1);
	ck_assert_int_eq(user_count(), before);
	free(token);
	free(editor);
}
END_TEST

START_TEST(expired_session_refused)
{
	char *editor = new_editor("exp");
	char *token = sign_in(editor);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE sessions SET expiresAt = UTC_TIMESTAMP() - INTERVAL 1 SECOND "
	         "WHERE tokenHash = SHA2('%s', 256)",
	         token);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	refused_as(token, "POST", "/api/v1/users", "{\"userName\":\"late\"}", 1);
	ck_assert_int_eq(h_sql_count(NULL, "SELECT id FROM users WHERE userName = 'late'"), 0);
	free(token);
	free(editor);
}
END_TEST

START_TEST(api_token_lifecycle)
{
	char *name = h_unique("tok");
	char *out = NULL;
	ck_assert_int_eq(backend(&out, "token", "create", "--name", name, NULL), 0);
	/* The token is the last line, alone. */
	char *last = strrchr(out, '\n');
	ck_assert_ptr_nonnull(last);
	*last = '\0';
	char *line = strrchr(out, '\n');
	char token[64];
	snprintf(token, sizeof token, "%s", line ? line + 1 : out);
	ck_assert_msg(strncmp(token, "fut_", 4) == 0 && strlen(token) == 47, "token line '%s'",
	              token);
	free(out);
	/* Stored as its hash only. */
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT name FROM api_tokens WHERE tokenHash = SHA2('%s', 256)",
	         token);
	char *stored = h_sql_value(NULL, sql);
	ck_assert_str_eq(stored, name);
	free(stored);
	snprintf(sql, sizeof sql, "SELECT id FROM api_tokens WHERE tokenHash = '%s'", token);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);
	struct h_resp r;
	char *uname = h_unique("bytok");
	char *body = h_user_body(uname);
	as(token, "POST", "/api/v1/users", body, &r);
	ck_assert_msg(r.status == 201, "create with API token: %ld %s", r.status, r.body);
	cJSON *u = h_body_json(&r);
	h_forget_user((long)cJSON_GetNumberValue(cJSON_GetObjectItem(u, "id")));
	cJSON_Delete(u);
	h_resp_free(&r);
	/* token list shows when it was last used. */
	ck_assert_int_eq(backend(&out, "token", "list", NULL, NULL, NULL), 0);
	char *mine = strstr(out, name);
	ck_assert_ptr_nonnull(mine);
	char *eol = strchr(mine, '\n');
	if (eol)
		*eol = '\0';
	ck_assert_msg(strstr(mine, "never") == NULL, "last use not recorded: %s", mine);
	free(out);
	/* A second token of the same name is refused. */
	ck_assert_int_eq(backend(&out, "token", "create", "--name", name, NULL), 1);
	free(out);
	/* Revoked: refused at once. */
	ck_assert_int_eq(backend(&out, "token", "revoke", name, NULL, NULL), 0);
	free(out);
	refused_as(token, "DELETE", "/api/v1/users/1", NULL, 1);
	ck_assert_int_eq(backend(&out, "token", "revoke", name, NULL, NULL), 1);
	free(out);
	free(body);
	free(uname);
	free(name);
}
END_TEST

START_TEST(token_in_url_refused)
{
	char *editor = new_editor("url");
	char *token = sign_in(editor);
	char path[200];
	struct h_resp r;
	snprintf(path, sizeof path, "/api/v1/users?access_token=%s", token);
	ck_assert_int_eq(h_get(path, &r), 0);
	ck_assert_int_eq(r.status, 400);
	char *www = h_header(&r, "WWW-Authenticate");
	ck_assert_msg(www && strstr(www, "invalid_request"), "%s", www ? www : "(none)");
	free(www);
	h_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users/1?token=%s", token);
	ck_assert_int_eq(h_request("DELETE", path, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 400);
	h_resp_free(&r);
	char *bob = h_sql_value(NULL, "SELECT userName FROM users WHERE id = 1");
	ck_assert_str_eq(bob, "Bob");
	free(bob);
	free(token);
	free(editor);
}
END_TEST

START_TEST(back_off_holds_for_known_and_unknown_names)
{
	char *editor = new_editor("guess");
	char *nobody = h_unique("nobody");
	const char *names[] = { editor, nobody };
	char first_body[2][512];
	for (int k = 0; k < 2; k++) {
		struct h_resp r;
		/* Five wrong passwords are typos: each 401. */
		for (int i = 0; i < 6; i++) {
			sign_in_raw(names[k], "wrong password!", &r);
			ck_assert_msg(r.status == 401, "%s attempt %d: %ld", names[k], i + 1,
			              r.status);
			snprintf(first_body[k], sizeof first_body[k], "%s", r.body);
			h_resp_free(&r);
		}
		/* The sixth started a wait: now even the right password is not looked at. */
		sign_in_raw(names[k], PASSWORD, &r);
		ck_assert_msg(r.status == 429, "%s during the wait: %ld %s", names[k], r.status,
		              r.body);
		char *ra = h_header(&r, "Retry-After");
		ck_assert_msg(ra && atoi(ra) >= 1 && atoi(ra) <= 2, "Retry-After %s", ra);
		free(ra);
		h_resp_free(&r);
	}
	/* The refusals say the same for a real editor and for a name nobody has. */
	ck_assert_str_eq(first_body[0], first_body[1]);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT failures FROM sign_in_failures WHERE nameKey = LOWER('%s')", nobody);
	char *f = h_sql_value(NULL, sql);
	ck_assert_str_eq(f, "6");
	free(f);
	/* After the wait, the right password works and the count starts again. */
	sleep(3);
	char *token = sign_in(editor);
	snprintf(sql, sizeof sql,
	         "SELECT nameKey FROM sign_in_failures WHERE nameKey = LOWER('%s')", editor);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);
	free(token);
	free(nobody);
	free(editor);
}
END_TEST

START_TEST(password_change_and_disable_end_sessions)
{
	char *editor = new_editor("life");
	char *token = sign_in(editor);
	char *pwfile = temp_file("another long password\n");
	char *out = NULL;
	ck_assert_int_eq(backend(&out, "editor", "passwd", editor, "--password-file", pwfile), 0);
	free(out);
	struct h_resp r;
	refused_as(token, "GET", "/api/v1/sessions/current", NULL, 1);
	sign_in_raw(editor, PASSWORD, &r); /* the old password is gone */
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);
	sign_in_raw(editor, "another long password", &r);
	ck_assert_int_eq(r.status, 201);
	cJSON *j = h_body_json(&r);
	char *t2 = strdup(str_of(j, "token"));
	cJSON_Delete(j);
	h_resp_free(&r);
	ck_assert_int_eq(backend(&out, "editor", "disable", editor, NULL, NULL), 0);
	free(out);
	refused_as(t2, "GET", "/api/v1/sessions/current", NULL, 1);
	sign_in_raw(editor, "another long password", &r);
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);
	ck_assert_int_eq(backend(&out, "editor", "enable", editor, NULL, NULL), 0);
	free(out);
	sign_in_raw(editor, "another long password", &r);
	ck_assert_int_eq(r.status, 201);
	h_resp_free(&r);
	unlink(pwfile);
	free(pwfile);
	free(t2);
	free(token);
	free(editor);
}
END_TEST

START_TEST(command_line_rules)
{
	char *out = NULL;
	char *name = h_unique("cli");
	/* A short password is refused; nothing is added. */
	char *shortpw = temp_file("too short\n");
	ck_assert_int_eq(backend(&out, "editor", "add", name, "--password-file", shortpw), 1);
	ck_assert_msg(strstr(out, "at least 12"), "%s", out);
	free(out);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT id FROM editors WHERE name = '%s'", name);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);
	/* No option takes the password itself. */
	ck_assert_int_eq(backend(&out, "editor", "add", name, "--password", "secret secret!"), 2);
	free(out);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);
	/* Stored as argon2id with the stated parameters. */
	char *pw = temp_file(PASSWORD "\n");
	ck_assert_int_eq(backend(&out, "editor", "add", name, "--password-file", pw), 0);
	free(out);
	snprintf(sql, sizeof sql, "SELECT passwordHash FROM editors WHERE name = '%s'", name);
	char *hash = h_sql_value(NULL, sql);
	ck_assert_msg(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0, "%s", hash);
	ck_assert(strstr(hash, "horse") == NULL);
	free(hash);
	/* Names are unique ignoring case; --exists-ok makes add idempotent. */
	char upper[64];
	snprintf(upper, sizeof upper, "%s", name);
	upper[0] = (char)(upper[0] - 32);
	ck_assert_int_eq(backend(&out, "editor", "add", upper, "--password-file", pw), 1);
	free(out);
	ck_assert_int_eq(backend(&out, "editor", "add", upper, "--password-file", pw), 1);
	free(out);
	const char *args[] = { "editor", "add", upper, "--password-file", pw, "--exists-ok", NULL };
	ck_assert_int_eq(h_backend(NULL, args, &out), 0);
	free(out);
	ck_assert_int_eq(backend(&out, "editor", "add", "bad name!", "--no-password", NULL), 2);
	free(out);
	ck_assert_int_eq(backend(&out, "editor", "frobnicate", name, NULL, NULL), 2);
	free(out);
	ck_assert_int_eq(backend(&out, "editor", "disable", "no-such-editor", NULL, NULL), 1);
	free(out);
	/* Every change is audited as the operator. */
	snprintf(sql, sizeof sql,
	         "SELECT actorKind FROM audit WHERE action = 'editor.add' AND subject = '%s'",
	         name);
	char *kind = h_sql_value(NULL, sql);
	ck_assert_str_eq(kind, "cli");
	free(kind);
	unlink(pw);
	unlink(shortpw);
	free(pw);
	free(shortpw);
	free(name);
}
END_TEST

START_TEST(migrate_adds_the_first_editor)
{
	char *name = h_unique("boot");
	char *pw = temp_file(PASSWORD "\n");
	char env_name[80], env_file[80];
	snprintf(env_name, sizeof env_name, "FIRST_EDITOR=%s", name);
	snprintf(env_file, sizeof env_file, "FIRST_EDITOR_PASSWORD_FILE=%s", pw);
	const char *env[] = { env_name, env_file, "MIGRATIONS_DIR=sql", NULL };
	const char *args[] = { "migrate", NULL };
	char *out = NULL;
	ck_assert_int_eq(h_backend(env, args, &out), 0);
	ck_assert_msg(strstr(out, "editor: added"), "%s", out);
	free(out);
	char *token = sign_in(name);
	free(token);
	/* Every upgrade runs it again: the editor is kept as it is. */
	ck_assert_int_eq(h_backend(env, args, &out), 0);
	ck_assert_msg(strstr(out, "exists already; nothing changed"), "%s", out);
	free(out);
	/* Without its password file the setting is refused. */
	const char *half[] = { env_name, "MIGRATIONS_DIR=sql", NULL };
	ck_assert_int_eq(h_backend(half, args, &out), 1);
	ck_assert_msg(strstr(out, "FIRST_EDITOR_PASSWORD_FILE"), "%s", out);
	free(out);
	unlink(pw);
	free(pw);
	free(name);
}
END_TEST

START_TEST(audit_pages_newest_first)
{
	char *editor = new_editor("aud");
	char *token = sign_in(editor);
	char *n1 = h_unique("aud"), *n2 = h_unique("aud2");
	char *b1 = h_user_body(n1), *b2 = h_user_body(n2);
	struct h_resp r;
	as(token, "POST", "/api/v1/users", b1, &r);
	ck_assert_int_eq(r.status, 201);
	cJSON *u = h_body_json(&r);
	long id = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(u, "id"));
	cJSON_Delete(u);
	h_resp_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/users/%ld", id);
	as(token, "PATCH", path, b2, &r);
	ck_assert_int_eq(r.status, 200);
	h_resp_free(&r);
	as(token, "DELETE", path, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	h_resp_free(&r);
	/* The user's history, newest first, one a page. */
	snprintf(path, sizeof path, "/api/v1/audit?userId=%ld&limit=1", id);
	const char *want[][3] = { { "user.delete", n2, "" },
		                  { "user.rename", n1, n2 },
		                  { "user.create", "", n1 } };
	for (int i = 0; i < 3; i++) {
		as(token, "GET", path, NULL, &r);
		ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
		cJSON *j = h_body_json(&r);
		cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
		ck_assert_str_eq(str_of(item, "action"), want[i][0]);
		const char *oldn = str_of(item, "oldName"), *newn = str_of(item, "newName");
		ck_assert_str_eq(oldn ? oldn : "", i == 0 ? n2 : i == 1 ? n1 : "");
		ck_assert_str_eq(newn ? newn : "", want[i][2]);
		cJSON *actor = cJSON_GetObjectItem(item, "actor");
		ck_assert_str_eq(str_of(actor, "name"), editor);
		const char *next = str_of(j, "next");
		if (i < 2) {
			ck_assert_ptr_nonnull(next);
			snprintf(path, sizeof path, "/api/v1/audit?userId=%ld&limit=1&before=%s",
			         id, next);
		} else {
			ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
		}
		cJSON_Delete(j);
		h_resp_free(&r);
	}
	as(token, "GET", "/api/v1/audit?limit=0", NULL, &r);
	ck_assert_int_eq(r.status, 400);
	h_resp_free(&r);
	/* Append-only for everyone but the operator's own database account: the app user
	 * of a production install gets INSERT and SELECT only (sql grants); here the
	 * table at least never loses a row through the API. */
	free(b1);
	free(b2);
	free(n1);
	free(n2);
	free(token);
	free(editor);
}
END_TEST

START_TEST(sso_endpoint_closed_without_sso)
{
	/* This stack runs without SSO: the endpoint answers 404 whatever a client sends. */
	const char *hdrs[] = { "SSO-User: mallory", "X-Auth-Request-Email: mallory@example.org",
		               NULL };
	struct h_resp r;
	ck_assert_int_eq(h_request_h("POST", "/api/v1/sessions/sso", hdrs, NULL, NULL, 0, &r), 0);
	ck_assert_msg(r.status == 404, "%ld %s", r.status, r.body);
	h_resp_free(&r);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		reads_public_writes_for_editors,
		sign_in_write_sign_out,
		new_session_each_sign_in,
		forged_and_malformed_credentials_refused,
		expired_session_refused,
		api_token_lifecycle,
		token_in_url_refused,
		back_off_holds_for_known_and_unknown_names,
		password_change_and_disable_end_sessions,
		command_line_rules,
		migrate_adds_the_first_editor,
		audit_pages_newest_first,
		sso_endpoint_closed_without_sso,
		NULL,
	};
	return check_run(check_suite(
	        "auth", (const struct check_case[]){
	                        { .name = "core", .tests = tests, .timeout = 60 }, { 0 } }));
}
