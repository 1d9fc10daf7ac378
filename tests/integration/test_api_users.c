/*
 * The users API through nginx against the real database: create, read, list with
 * paging and prefix search, rename, delete, and every error answer of the contract
 * (400, 404, 405 with Allow, 409, 413, 415, 422 with field errors, 507). Names with
 * quotes, backslashes, %, _, SQL fragments and 4-byte UTF-8 must come back byte for
 * byte; the names that impersonate others (issue 20) are refused or held apart. A
 * write that carries a form's nonce (Form-Nonce, issue 20: one-use form tokens) is made
 * once: the same nonce again is 409 with the "already sent" problem type, also when
 * sent at once from many clients; a write refused for its name spends nothing; a
 * malformed nonce is 400; writes without one are as they were.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "harness.h"

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static long num_of(const cJSON *o, const char *k)
{
	return (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* Assert r is problem+json with status. */
static cJSON *problem(const struct h_resp *r, long status)
{
	ck_assert_msg(r->status == status, "want %ld, got %ld: %s", status, r->status, r->body);
	char *ct = h_header(r, "Content-Type");
	ck_assert_msg(ct && strncmp(ct, "application/problem+json", 24) == 0,
	              "content type %s for %ld", ct ? ct : "(none)", status);
	free(ct);
	cJSON *j = h_body_json(r);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(num_of(j, "status"), status);
	ck_assert_ptr_nonnull(str_of(j, "title"));
	return j;
}

/* The message of field's error in a problem, or NULL. */
static const char *field_error(const cJSON *p, const char *field)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(p, "errors"))
	{
		if (strcmp(str_of(e, "field"), field) == 0)
			return str_of(e, "message");
	}
	return NULL;
}

START_TEST(create_read_rename_delete)
{
	char *name = h_unique("crud");
	char *body = h_user_body(name);
	struct h_resp r;
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", body, &r), 0);
	ck_assert_int_eq(r.status, 201);
	cJSON *u = h_body_json(&r);
	long id = num_of(u, "id");
	ck_assert_int_gt(id, 0);
	ck_assert_str_eq(str_of(u, "userName"), name);
	const char *created = str_of(u, "createdAt");
	ck_assert_msg(created && strlen(created) == 20 && created[19] == 'Z', "createdAt %s",
	              created);
	char *loc = h_header(&r, "Location");
	char want[64];
	snprintf(want, sizeof want, "/api/v1/users/%ld", id);
	ck_assert_str_eq(loc, want);
	h_resp_free(&r);

	/* read back: the same user */
	ck_assert_int_eq(h_get(loc, &r), 0);
	ck_assert_int_eq(r.status, 200);
	cJSON *g = h_body_json(&r);
	ck_assert_int_eq(num_of(g, "id"), id);
	ck_assert_str_eq(str_of(g, "userName"), name);
	cJSON_Delete(g);
	h_resp_free(&r);

	/* rename */
	char *newname = h_unique("renamed");
	char *nb = h_user_body(newname);
	ck_assert_int_eq(h_json_request("PATCH", loc, nb, &r), 0);
	ck_assert_int_eq(r.status, 200);
	g = h_body_json(&r);
	ck_assert_str_eq(str_of(g, "userName"), newname);
	ck_assert_int_eq(num_of(g, "id"), id);
	cJSON_Delete(g);
	h_resp_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT userName FROM users WHERE id = %ld", id);
	char *stored = h_sql_value(NULL, sql);
	ck_assert_str_eq(stored, newname);
	free(stored);

	/* rename to its own name in other case: allowed (it is the same user's name) */
	char *upper = strdup(newname);
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	char *ub = h_user_body(upper);
	ck_assert_int_eq(h_json_request("PATCH", loc, ub, &r), 0);
	ck_assert_int_eq(r.status, 200);
	g = h_body_json(&r);
	ck_assert_str_eq(str_of(g, "userName"), upper);
	cJSON_Delete(g);
	h_resp_free(&r);
	free(ub);
	free(upper);

	/* delete, then it is gone */
	ck_assert_int_eq(h_request("DELETE", loc, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 204);
	ck_assert_uint_eq(r.body_len, 0);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(loc, &r), 0);
	cJSON_Delete(problem(&r, 404));
	h_resp_free(&r);
	ck_assert_int_eq(h_request("DELETE", loc, NULL, NULL, 0, &r), 0);
	cJSON_Delete(problem(&r, 404));
	h_resp_free(&r);
	ck_assert_int_eq(h_json_request("PATCH", loc, nb, &r), 0);
	cJSON_Delete(problem(&r, 404));
	h_resp_free(&r);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);

	cJSON_Delete(u);
	free(loc);
	free(name);
	free(body);
	free(newname);
	free(nb);
}
END_TEST

/* Names that break naive SQL, JSON or LIKE handling; each gets a unique suffix. */
static const char *const tricky[] = {
	"O'Brien ",     "say \"hi\" ",  "back\\slash\\ ",
	"100% ",        "under_score ", "'; DROP TABLE users; --",
	"\" OR 1=1 --", "😀 emoji 𝄞 ",   "Zoë Ñandú 東京 ",
	"<b>&amp;</b>",
};

START_TEST(names_stored_exactly)
{
	for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
		char *u = h_unique("");
		char name[128];
		snprintf(name, sizeof name, "%s%s", tricky[i], u);
		free(u);
		long id = h_create_user(name);
		char path[64];
		snprintf(path, sizeof path, "/api/v1/users/%ld", id);
		struct h_resp r;
		ck_assert_int_eq(h_get(path, &r), 0);
		cJSON *j = h_body_json(&r);
		ck_assert_str_eq(str_of(j, "userName"), name);
		cJSON_Delete(j);
		h_resp_free(&r);
		/* and the very bytes in the database */
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT HEX(userName) FROM users WHERE id = %ld", id);
		char *hex = h_sql_value(NULL, sql);
		char want[512] = "";
		for (size_t k = 0; name[k]; k++)
			snprintf(want + 2 * k, 3, "%02X", (unsigned char)name[k]);
		ck_assert_str_eq(hex, want);
		free(hex);
	}
	ck_assert_int_eq(h_sql_count(NULL, "SHOW TABLES LIKE 'users'"), 1);
}
END_TEST

START_TEST(thirty_four_byte_characters)
{
	char name[130] = "";
	for (int i = 0; i < 30; i++)
		strcat(name, (i % 2) ? "😀" : "𝄞");
	struct h_resp r;
	char *body = h_user_body(name);
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", body, &r), 0);
	ck_assert_msg(r.status == 201 || r.status == 409, "got %ld %s", r.status, r.body);
	if (r.status == 201) {
		cJSON *j = h_body_json(&r);
		ck_assert_str_eq(str_of(j, "userName"), name);
		h_forget_user(num_of(j, "id"));
		cJSON_Delete(j);
	}
	h_resp_free(&r);
	free(body);
	strcat(name, "x"); /* 31 characters */
	body = h_user_body(name);
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", body, &r), 0);
	cJSON *p = problem(&r, 422);
	ck_assert_str_eq(field_error(p, "userName"), "must be 1 to 30 characters");
	cJSON_Delete(p);
	h_resp_free(&r);
	free(body);
}
END_TEST

START_TEST(invalid_utf8_refused)
{
	static const char *const bad[] = {
		"{\"userName\":\"a\xff\"}",
		"{\"userName\":\"\xc0\xaf\"}",      /* overlong '/' */
		"{\"userName\":\"\xed\xa0\x80x\"}", /* surrogate */
		"{\"userName\":\"ab\xe2\x82\"}",    /* truncated */
		"{\"userName\":\"\\ud800x\"}",      /* lone surrogate escape */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct h_resp r;
		ck_assert_int_eq(h_json_request("POST", "/api/v1/users", bad[i], &r), 0);
		ck_assert_msg(r.status == 422 || r.status == 400, "case %zu: %ld", i, r.status);
		h_resp_free(&r);
	}
	struct h_resp r;
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", bad[0], &r), 0);
	cJSON *p = problem(&r, 422);
	ck_assert_str_eq(field_error(p, "userName"), "must be valid UTF-8");
	cJSON_Delete(p);
	h_resp_free(&r);
	ck_assert_int_eq(h_sql_count(NULL, "SELECT 1 FROM users WHERE userName LIKE 'a%' AND "
	                                   "HEX(userName) LIKE '%FF%'"),
	                 0);
}
END_TEST

START_TEST(duplicate_names_conflict)
{
	char *name = h_unique("Dup");
	long holder = h_create_user(name);
	struct h_resp r;
	/* the same name, and the same name in other case */
	char *lower = strdup(name);
	for (char *p = lower; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	const char *variants[] = { name, lower };
	for (int i = 0; i < 2; i++) {
		char *body = h_user_body(variants[i]);
		ck_assert_int_eq(h_json_request("POST", "/api/v1/users", body, &r), 0);
		cJSON *p = problem(&r, 409);
		ck_assert_str_eq(field_error(p, "userName"), "is taken");
		/* The problem names who has the name, as stored (issue 19). */
		cJSON *ex = cJSON_GetObjectItemCaseSensitive(p, "existing");
		ck_assert_msg(cJSON_IsObject(ex), "409 without \"existing\": %s", r.body);
		ck_assert_int_eq((long)cJSON_GetNumberValue(cJSON_GetObjectItem(ex, "id")), holder);
		ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(ex, "userName")), name);
		cJSON_Delete(p);
		h_resp_free(&r);
		free(body);
	}
	/* renaming another user to it conflicts too */
	char *other = h_unique("Other");
	long oid = h_create_user(other);
	char path[64], *body = h_user_body(lower);
	snprintf(path, sizeof path, "/api/v1/users/%ld", oid);
	ck_assert_int_eq(h_json_request("PATCH", path, body, &r), 0);
	cJSON_Delete(problem(&r, 409));
	h_resp_free(&r);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE nameKey = LOWER('%s')", name);
	ck_assert_int_eq(h_sql_count(NULL, sql), 1);
	free(body);
	free(other);
	free(lower);
	free(name);
}
END_TEST

/* Many clients creating the same name at once (across pool workers): exactly one
 * wins, the rest get 409, and one row exists. */
START_TEST(concurrent_creates_one_winner)
{
	char *name = h_unique("Race");
	char *body = h_user_body(name);
	enum { N = 8 };
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			struct h_resp r;
			int ok = h_json_request("POST", "/api/v1/users", body, &r) == 0;
			_exit(!ok ? 3 : r.status == 201 ? 0 : r.status == 409 ? 1 : 2);
		}
	}
	int created = 0, conflicts = 0;
	for (int i = 0; i < N; i++) {
		int st = 0;
		waitpid(kids[i], &st, 0);
		ck_assert(WIFEXITED(st));
		created += WEXITSTATUS(st) == 0;
		conflicts += WEXITSTATUS(st) == 1;
	}
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(conflicts, N - 1);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT id FROM users WHERE userName = '%s'", name);
	ck_assert_int_eq(h_sql_count(NULL, sql), 1);
	char *id = h_sql_value(NULL, sql);
	h_forget_user(atol(id));
	free(id);
	free(body);
	free(name);
}
END_TEST

START_TEST(validation_errors)
{
	struct h_resp r;
	static const struct {
		const char *body;
		const char *field;
		const char *message;
	} cases[] = {
		{ "{}", "userName", "is required" },
		{ "{\"userName\":\"\"}", "userName", "must be 1 to 30 characters" },
		{ "{\"userName\":\"1234567890123456789012345678901\"}", "userName",
		  "must be 1 to 30 characters" },
		{ "{\"userName\":42}", "userName", "must be a string" },
		{ "{\"userName\":\"a\\nb\"}", "userName", "must not contain control characters" },
		{ "{\"userName\":\"   \"}", "userName", "must be 1 to 30 characters" },
		{ "{\"userName\":\"Bob\\u200b\"}", "userName",
		  "must not contain invisible or formatting characters" },
		{ "{\"userName\":\"ok\",\"admin\":true}", "admin", "is not a known field" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(h_json_request("POST", "/api/v1/users", cases[i].body, &r), 0);
		cJSON *p = problem(&r, 422);
		const char *m = field_error(p, cases[i].field);
		ck_assert_msg(m && strcmp(m, cases[i].message) == 0, "%s: %s", cases[i].body,
		              r.body);
		cJSON_Delete(p);
		h_resp_free(&r);
	}
	/* PATCH validates the same way */
	ck_assert_int_eq(h_json_request("PATCH", "/api/v1/users/1", "{\"userName\":\"\"}", &r), 0);
	cJSON_Delete(problem(&r, 422));
	h_resp_free(&r);
}
END_TEST

/* POST name; assert the status, and for a problem the userName message; the new
 * user's id (forgotten at exit) or 0. */
static long post_name(const char *name, long status, const char *message)
{
	struct h_resp r;
	char *body = h_user_body(name);
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", body, &r), 0);
	free(body);
	long id = 0;
	if (status == 201) {
		ck_assert_msg(r.status == 201, "%s: %ld %s", name, r.status, r.body);
		cJSON *j = h_body_json(&r);
		id = num_of(j, "id");
		h_forget_user(id);
		cJSON_Delete(j);
	} else {
		cJSON *p = problem(&r, status);
		const char *m = field_error(p, "userName");
		ck_assert_msg(m && strcmp(m, message) == 0, "%s: %s", name, r.body);
		cJSON_Delete(p);
	}
	h_resp_free(&r);
	return id;
}

/* Issue 20: the names the attack put side by side, each now refused or held apart. */
START_TEST(impersonating_names_refused)
{
	char *u = h_unique("");
	char nfc[64], nfd[64], sql[200];
	/* "José" in NFC, then in NFD: one name, stored as NFC. */
	snprintf(nfc, sizeof nfc, "Jos\xc3\xa9%s", u);
	snprintf(nfd, sizeof nfd, "Jose\xcc\x81%s", u);
	long id = post_name(nfd, 201, NULL);
	snprintf(sql, sizeof sql, "SELECT HEX(userName) FROM users WHERE id = %ld", id);
	char *hex = h_sql_value(NULL, sql);
	ck_assert_msg(strncmp(hex, "4A6F73C3A9", 10) == 0, "stored %s, not NFC", hex);
	free(hex);
	post_name(nfc, 409, "is taken");
	/* The seed user Bob and its impersonations. */
	post_name("Bob\xe2\x80\x8b", 422, "must not contain invisible or formatting characters");
	post_name("\xe2\x80\xae"
	          "boB",
	          422, "must not contain text-direction controls");
	post_name("\xd0\x92\xd0\xbe"
	          "b",
	          409, "looks like a name that is taken"); /* Cyrillic */
	post_name("B0b", 409, "looks like a name that is taken");
	post_name("BOB", 409, "is taken");
	post_name("\xef\xbc\xa2\xef\xbd\x8f\xef\xbd\x82", 422,
	          "must use plain letters, not full-width or other compatibility forms");
	post_name("\xe3\x85\xa4", 422, "must not contain invisible or formatting characters");
	post_name("\xe2\x80\x8b\xe2\x80\x8b", 422,
	          "must not contain invisible or formatting characters");
	post_name("\xe2\xa0\x80", 422, "must not contain invisible or formatting characters");
	ck_assert_int_eq(h_sql_count(NULL, "SELECT 1 FROM users WHERE nameKey LIKE 'bob%' OR "
	                                   "HEX(userName) LIKE '%E2808B%' OR HEX(userName) LIKE "
	                                   "'%E280AE%'"),
	                 1); /* Bob alone */
	/* Renaming to a look-alike is refused the same way. */
	char other[64];
	snprintf(other, sizeof other, "Other%s", u);
	long oid = post_name(other, 201, NULL);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%ld", oid);
	struct h_resp r;
	ck_assert_int_eq(h_json_request("PATCH", path, "{\"userName\":\"\u0412\u043eb\"}", &r), 0);
	cJSON *p = problem(&r, 409);
	ck_assert_str_eq(field_error(p, "userName"), "looks like a name that is taken");
	/* The holder is found by the skeleton key too (issue 19's "existing"). */
	cJSON *ex = cJSON_GetObjectItemCaseSensitive(p, "existing");
	ck_assert_msg(cJSON_IsObject(ex), "look-alike 409 without \"existing\": %s", r.body);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(ex, "userName")), "Bob");
	cJSON_Delete(p);
	h_resp_free(&r);
	/* Surrounding spaces are trimmed (documented), and a search typed in NFD finds the
	 * NFC name. */
	char padded[80], trimmed[64];
	snprintf(trimmed, sizeof trimmed, "Trim %s", u);
	snprintf(padded, sizeof padded, "  %s\xc2\xa0", trimmed);
	id = post_name(padded, 201, NULL);
	snprintf(path, sizeof path, "/api/v1/users/%ld", id);
	ck_assert_int_eq(h_get(path, &r), 0);
	cJSON *j = h_body_json(&r);
	ck_assert_str_eq(str_of(j, "userName"), trimmed);
	cJSON_Delete(j);
	h_resp_free(&r);
	char q[160];
	snprintf(q, sizeof q, "/api/v1/users?q=Jose%%CC%%81%s", u);
	ck_assert_int_eq(h_get(q, &r), 0);
	j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "total"), 1);
	cJSON_Delete(j);
	h_resp_free(&r);
	free(u);
}
END_TEST

/* Issue 20: when the id runs out the API said 500; now 507 with a clear problem. */
START_TEST(id_exhaustion_is_507)
{
	ck_assert_int_eq(h_sql(NULL, "ALTER TABLE users AUTO_INCREMENT = 4294967295"), 0);
	char *a = h_unique("Last"), *b = h_unique("Past");
	long id = post_name(a, 201, NULL);
	ck_assert_int_eq(id, 4294967295L);
	struct h_resp r;
	char *body = h_user_body(b);
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", body, &r), 0);
	cJSON *p = problem(&r, 507);
	ck_assert_msg(strstr(str_of(p, "detail"), "no user id is left") != NULL, "%s", r.body);
	cJSON_Delete(p);
	h_resp_free(&r);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE userName = '%s'", b);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);
	/* Put the counter back for the tests after this one. */
	ck_assert_int_eq(h_json_request("DELETE", "/api/v1/users/4294967295", NULL, &r), 0);
	ck_assert_int_eq(r.status, 204);
	h_resp_free(&r);
	ck_assert_int_eq(h_sql(NULL, "ALTER TABLE users AUTO_INCREMENT = 1"), 0);
	post_name(b, 201, NULL);
	free(body);
	free(a);
	free(b);
}
END_TEST

START_TEST(malformed_and_wrong_type_bodies)
{
	struct h_resp r;
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", "{\"userName\":", &r), 0);
	cJSON_Delete(problem(&r, 400));
	h_resp_free(&r);
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", "[\"Bob\"]", &r), 0);
	cJSON_Delete(problem(&r, 400));
	h_resp_free(&r);
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", "", &r), 0);
	cJSON_Delete(problem(&r, 400));
	h_resp_free(&r);
	ck_assert_int_eq(h_request("POST", "/api/v1/users", "text/plain", "{\"userName\":\"x\"}",
	                           SIZE_MAX, &r),
	                 0);
	cJSON_Delete(problem(&r, 415));
	h_resp_free(&r);
	ck_assert_int_eq(h_request("POST", "/api/v1/users", "application/x-www-form-urlencoded",
	                           "userName=x", SIZE_MAX, &r),
	                 0);
	cJSON_Delete(problem(&r, 415));
	h_resp_free(&r);
	ck_assert_int_eq(
	        h_request("PATCH", "/api/v1/users/1", NULL, "{\"userName\":\"x\"}", SIZE_MAX, &r),
	        0);
	ck_assert_int_eq(r.status, 415);
	h_resp_free(&r);
}
END_TEST

START_TEST(body_too_large)
{
	/* 16 KiB is the limit: nginx or the pool answer 413, and nothing is stored */
	size_t n = 17 * 1024;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "{\"userName\":\"big413\"", 20);
	big[n - 1] = '}';
	big[n] = '\0';
	struct h_resp r;
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", big, &r), 0);
	ck_assert_int_eq(r.status, 413);
	h_resp_free(&r);
	ck_assert_int_eq(h_sql_count(NULL, "SELECT 1 FROM users WHERE userName = 'big413'"), 0);
	/* just under the limit is fine (whitespace is valid JSON) */
	char *name = h_unique("big");
	char head[64];
	int hl = snprintf(head, sizeof head, "{\"userName\":\"%s\"", name);
	n = 16 * 1024 - 64;
	memset(big, ' ', n);
	memcpy(big, head, (size_t)hl);
	big[n - 1] = '}';
	big[n] = '\0';
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", big, &r), 0);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	cJSON *j = h_body_json(&r);
	h_forget_user(num_of(j, "id"));
	cJSON_Delete(j);
	h_resp_free(&r);
	free(big);
	free(name);
}
END_TEST

START_TEST(not_found_and_methods)
{
	struct h_resp r;
	ck_assert_int_eq(h_get("/api/v1/users/999999999", &r), 0);
	cJSON_Delete(problem(&r, 404));
	h_resp_free(&r);
	ck_assert_int_eq(h_get("/api/v1/users/abc", &r), 0);
	cJSON_Delete(problem(&r, 404));
	h_resp_free(&r);
	ck_assert_int_eq(h_get("/api/v1/nothing", &r), 0);
	cJSON_Delete(problem(&r, 404));
	h_resp_free(&r);

	static const struct {
		const char *method, *path, *allow;
	} cases[] = {
		{ "PUT", "/api/v1/users/1", "GET, HEAD, PATCH, DELETE" },
		{ "POST", "/api/v1/users/1", "GET, HEAD, PATCH, DELETE" },
		{ "DELETE", "/api/v1/users", "GET, HEAD, POST" },
		{ "POST", "/backend", "GET, HEAD" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(h_request(cases[i].method, cases[i].path, NULL, NULL, 0, &r), 0);
		cJSON_Delete(problem(&r, 405));
		char *allow = h_header(&r, "Allow");
		ck_assert_msg(allow && strcmp(allow, cases[i].allow) == 0, "%s %s: Allow %s",
		              cases[i].method, cases[i].path, allow ? allow : "(none)");
		free(allow);
		h_resp_free(&r);
	}
}
END_TEST

/* Create count users named prefix-NN (prefix unique to the test). */
static void make_users(const char *prefix, int count)
{
	for (int i = 0; i < count; i++) {
		char name[128];
		snprintf(name, sizeof name, "%.40s-%02d", prefix, i);
		h_create_user(name);
	}
}

START_TEST(list_paging)
{
	struct h_resp r;
	ck_assert_int_eq(h_get("/api/v1/users", &r), 0);
	ck_assert_int_eq(r.status, 200);
	cJSON *j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "limit"), 50);
	ck_assert_int_eq(num_of(j, "offset"), 0);
	long total = num_of(j, "total");
	char *count = h_sql_value(NULL, "SELECT COUNT(*) FROM users");
	ck_assert_int_eq(total, atol(count)); /* the maintained count is exact */
	free(count);
	cJSON_Delete(j);
	h_resp_free(&r);

	make_users("page", 3);
	/* pages of 2 walk the users by id, without gaps or repeats */
	ck_assert_int_eq(h_get("/api/v1/users?limit=2&offset=0", &r), 0);
	j = h_body_json(&r);
	long total2 = num_of(j, "total");
	ck_assert_int_ge(total2, 3);
	long seen = 0, last_id = 0;
	cJSON_Delete(j);
	h_resp_free(&r);
	for (long off = 0; off < total2; off += 2) {
		char path[96];
		snprintf(path, sizeof path, "/api/v1/users?limit=2&offset=%ld", off);
		ck_assert_int_eq(h_get(path, &r), 0);
		ck_assert_int_eq(r.status, 200);
		j = h_body_json(&r);
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		{
			ck_assert_int_gt(num_of(it, "id"), last_id);
			last_id = num_of(it, "id");
			seen++;
		}
		cJSON_Delete(j);
		h_resp_free(&r);
	}
	ck_assert_int_eq(seen, total2);

	/* bad paging parameters: 400 with the field named */
	static const char *const bad[] = { "limit=0",   "limit=101",  "limit=x",
		                           "offset=-1", "offset=1e3", "q=%ff" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[96];
		snprintf(path, sizeof path, "/api/v1/users?%s", bad[i]);
		ck_assert_int_eq(h_get(path, &r), 0);
		cJSON_Delete(problem(&r, 400));
		h_resp_free(&r);
	}
}
END_TEST

START_TEST(prefix_search)
{
	char *u = h_unique("Srch");
	char prefix[64];
	snprintf(prefix, sizeof prefix, "%s", u);
	make_users(prefix, 5);
	/* a name that differs only after a LIKE wildcard must not match */
	char pct[64], und[64];
	snprintf(pct, sizeof pct, "%s%%x", u);
	snprintf(und, sizeof und, "%s_x", u);
	h_create_user(pct);
	h_create_user(und);

	struct h_resp r;
	char path[160];
	/* case-insensitive prefix: lower-case query finds them; ordered by name */
	char lower[64];
	snprintf(lower, sizeof lower, "%s", prefix);
	for (char *p = lower; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(path, sizeof path, "/api/v1/users?q=%s-&limit=2", lower);
	ck_assert_int_eq(h_get(path, &r), 0);
	ck_assert_int_eq(r.status, 200);
	cJSON *j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "total"), 5);
	cJSON *items = cJSON_GetObjectItem(j, "items");
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	char want[128];
	snprintf(want, sizeof want, "%.40s-00", prefix);
	ck_assert_str_eq(str_of(cJSON_GetArrayItem(items, 0), "userName"), want);
	cJSON_Delete(j);
	h_resp_free(&r);

	/* offset into the matches */
	snprintf(path, sizeof path, "/api/v1/users?q=%s-&limit=2&offset=4", prefix);
	ck_assert_int_eq(h_get(path, &r), 0);
	j = h_body_json(&r);
	items = cJSON_GetObjectItem(j, "items");
	ck_assert_int_eq(cJSON_GetArraySize(items), 1);
	snprintf(want, sizeof want, "%.40s-04", prefix);
	ck_assert_str_eq(str_of(cJSON_GetArrayItem(items, 0), "userName"), want);
	cJSON_Delete(j);
	h_resp_free(&r);

	/* % and _ are literal in q */
	snprintf(path, sizeof path, "/api/v1/users?q=%s%%25", u);
	ck_assert_int_eq(h_get(path, &r), 0);
	j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "total"), 1);
	ck_assert_str_eq(str_of(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0), "userName"),
	                 pct);
	cJSON_Delete(j);
	h_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users?q=%s_", u);
	ck_assert_int_eq(h_get(path, &r), 0);
	j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "total"), 1);
	cJSON_Delete(j);
	h_resp_free(&r);

	/* nothing matches */
	snprintf(path, sizeof path, "/api/v1/users?q=%sZZZ", u);
	ck_assert_int_eq(h_get(path, &r), 0);
	j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "total"), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 0);
	cJSON_Delete(j);
	h_resp_free(&r);
	free(u);
}
END_TEST

/* A prefix search counts at most 1000 matches past the page (users.c): beyond, total is
 * that bound and totalExact false; a page further on counts further. */
START_TEST(prefix_total_bounded)
{
	char *u = h_unique("Bnd");
	char sql[256];
	/* 1005 users straight into the table (the API would take long), removed after */
	snprintf(sql, sizeof sql,
	         "INSERT INTO users (userName) SELECT CONCAT('%s-', seq) FROM seq_1_to_1005", u);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	struct h_resp r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/users?q=%s-", u);
	ck_assert_int_eq(h_get(path, &r), 0);
	cJSON *j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "total"), 1000);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "totalExact")));
	cJSON_Delete(j);
	h_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users?q=%s-&offset=1000&limit=50", u);
	ck_assert_int_eq(h_get(path, &r), 0);
	j = h_body_json(&r);
	ck_assert_int_eq(num_of(j, "total"), 1005);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "totalExact")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 5);
	cJSON_Delete(j);
	h_resp_free(&r);
	/* the unfiltered list is always exact */
	ck_assert_int_eq(h_get("/api/v1/users?limit=1", &r), 0);
	j = h_body_json(&r);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "totalExact")));
	cJSON_Delete(j);
	h_resp_free(&r);
	snprintf(sql, sizeof sql, "DELETE FROM users WHERE userName LIKE '%s-%%'", u);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	free(u);
}
END_TEST

START_TEST(search_uses_the_index)
{
	/* The plans of the service's statements (users.c): a range on the name index for
	 * a prefix search, the primary key for the list; never a full scan or filesort. */
	const char *search = "EXPLAIN SELECT id, userName FROM users WHERE nameKey LIKE "
	                     "CONCAT(LOWER('bo'), '%') ESCAPE '!' ORDER BY nameKey LIMIT 50";
	char *type = h_sql_field(NULL, search, "type");
	char *key = h_sql_field(NULL, search, "key");
	char *extra = h_sql_field(NULL, search, "Extra");
	ck_assert_str_eq(type, "range");
	ck_assert_str_eq(key, "users_name_key");
	ck_assert_msg(!extra || !strstr(extra, "filesort"), "Extra: %s", extra);
	free(type);
	free(key);
	free(extra);
	const char *count = "EXPLAIN SELECT COUNT(*) FROM users WHERE nameKey LIKE "
	                    "CONCAT(LOWER('bo'), '%') ESCAPE '!'";
	type = h_sql_field(NULL, count, "type");
	key = h_sql_field(NULL, count, "key");
	ck_assert_str_eq(type, "range");
	ck_assert_str_eq(key, "users_name_key");
	free(type);
	free(key);
	const char *list = "EXPLAIN SELECT id, userName FROM users ORDER BY id LIMIT 50 OFFSET 0";
	key = h_sql_field(NULL, list, "key");
	extra = h_sql_field(NULL, list, "Extra");
	ck_assert_str_eq(key, "PRIMARY");
	ck_assert_msg(!extra || !strstr(extra, "filesort"), "Extra: %s", extra);
	free(key);
	free(extra);
}
END_TEST

START_TEST(counter_follows_writes)
{
	char *before = h_sql_value(NULL, "SELECT users FROM user_count WHERE id = 1");
	char *n = h_unique("cnt");
	long id = h_create_user(n);
	char *mid = h_sql_value(NULL, "SELECT users FROM user_count WHERE id = 1");
	ck_assert_int_eq(atol(mid), atol(before) + 1);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%ld", id);
	struct h_resp r;
	h_request("DELETE", path, NULL, NULL, 0, &r);
	ck_assert_int_eq(r.status, 204);
	h_resp_free(&r);
	char *after = h_sql_value(NULL, "SELECT users FROM user_count WHERE id = 1");
	ck_assert_int_eq(atol(after), atol(before));
	char *real = h_sql_value(NULL, "SELECT COUNT(*) FROM users");
	ck_assert_int_eq(atol(after), atol(real));
	free(before);
	free(mid);
	free(after);
	free(real);
	free(n);
}
END_TEST

START_TEST(health_and_ready)
{
	struct h_resp r;
	ck_assert_int_eq(h_get("/api/v1/health", &r), 0);
	ck_assert_int_eq(r.status, 200);
	h_resp_free(&r);
	ck_assert_int_eq(h_get("/api/v1/ready", &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"status\":\"ready\"}");
	h_resp_free(&r);
}
END_TEST

/* ---- one-use form nonces (Form-Nonce) ---- */

/* A nonce nobody used: 32 lowercase hex digits from the pid, the time and a counter,
 * with its expiry half an hour ahead, as "NONCE.EXPIRY". */
static void fresh_nonce(char out[64])
{
	static unsigned counter;
	snprintf(out, 64, "%08x%08x%016x.%lld", (unsigned)getpid(), (unsigned)time(NULL), ++counter,
	         (long long)time(NULL) + 1800);
}

/* method path json, as the frontend sends a form's write: the run's API token and
 * Form-Nonce: nonce. Returns the status (r holds the answer). */
static long with_nonce(const char *method, const char *path, const char *json, const char *nonce,
                       struct h_resp *r)
{
	char auth[256], fn[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", h_env("INTEGRATION_TOKEN"));
	snprintf(fn, sizeof fn, "Form-Nonce: %s", nonce);
	const char *const headers[] = { auth, fn, NULL };
	ck_assert_int_eq(h_request_h(method, path, headers, json ? "application/json" : NULL, json,
	                             SIZE_MAX, r),
	                 0);
	return r->status;
}

/* Rows of form_nonces holding nonce ("NONCE.EXPIRY"). */
static long spent_rows(const char *nonce)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT 1 FROM form_nonces WHERE nonce = UNHEX('%.32s')", nonce);
	return h_sql_count(NULL, sql);
}

/* Assert r is the "already sent" problem: 409 with its own type. */
static void already_sent(const struct h_resp *r)
{
	cJSON *p = problem(r, 409);
	ck_assert_str_eq(str_of(p, "type"), "tag:fcgi-users,2026:form-already-sent");
	ck_assert_str_eq(str_of(p, "title"), "Form already sent");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(p, "existing"));
	cJSON_Delete(p);
}

START_TEST(form_nonce_writes_once)
{
	char nonce[64];
	fresh_nonce(nonce);
	char *a = h_unique("Once"), *b = h_unique("Twice");
	char *ja = h_user_body(a), *jb = h_user_body(b);
	struct h_resp r;
	ck_assert_int_eq(with_nonce("POST", "/api/v1/users", ja, nonce, &r), 201);
	cJSON *u = h_body_json(&r);
	long id = num_of(u, "id");
	h_forget_user(id);
	cJSON_Delete(u);
	h_resp_free(&r);
	ck_assert_int_eq(spent_rows(nonce), 1);
	/* The same form again, even with another name: nothing written. */
	with_nonce("POST", "/api/v1/users", jb, nonce, &r);
	already_sent(&r);
	h_resp_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE userName = '%s'", b);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);
	/* The same again as a rename or a delete: refused before the user is looked at. */
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%ld", id);
	with_nonce("PATCH", path, jb, nonce, &r);
	already_sent(&r);
	h_resp_free(&r);
	with_nonce("DELETE", path, NULL, nonce, &r);
	already_sent(&r);
	h_resp_free(&r);
	with_nonce("DELETE", "/api/v1/users/4294967295", NULL, nonce, &r);
	already_sent(&r); /* not 404: the form's write was made */
	h_resp_free(&r);
	snprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE id = %ld AND userName = '%s'", id, a);
	ck_assert_int_eq(h_sql_count(NULL, sql), 1);
	/* A rename and a delete each with their own nonce, each once. */
	char rn[64], dn[64];
	fresh_nonce(rn);
	fresh_nonce(dn);
	ck_assert_int_eq(with_nonce("PATCH", path, jb, rn, &r), 200);
	h_resp_free(&r);
	with_nonce("PATCH", path, ja, rn, &r);
	already_sent(&r);
	h_resp_free(&r);
	snprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE id = %ld AND userName = '%s'", id, b);
	ck_assert_int_eq(h_sql_count(NULL, sql), 1);
	ck_assert_int_eq(with_nonce("DELETE", path, NULL, dn, &r), 204);
	h_resp_free(&r);
	with_nonce("DELETE", path, NULL, dn, &r);
	already_sent(&r);
	h_resp_free(&r);
	/* Without a nonce a client is as before: a second delete is 404. */
	ck_assert_int_eq(h_request("DELETE", path, NULL, NULL, 0, &r), 0);
	cJSON_Delete(problem(&r, 404));
	h_resp_free(&r);
	free(ja);
	free(jb);
	free(a);
	free(b);
}
END_TEST

/* A write refused for what it says (the name is taken) rolls back its nonce: the same
 * form, the name fixed, is accepted. A malformed nonce is refused before anything. */
START_TEST(refused_write_spends_no_nonce)
{
	char nonce[64];
	fresh_nonce(nonce);
	struct h_resp r;
	char *taken = h_user_body("Bob");
	with_nonce("POST", "/api/v1/users", taken, nonce, &r);
	cJSON *p = problem(&r, 409);
	ck_assert_str_eq(str_of(p, "type"), "about:blank");
	ck_assert_str_eq(field_error(p, "userName"), "is taken");
	cJSON_Delete(p);
	h_resp_free(&r);
	ck_assert_int_eq(spent_rows(nonce), 0);
	/* Refused by validation (422): the handler never ran. */
	with_nonce("POST", "/api/v1/users", "{\"userName\":\"\"}", nonce, &r);
	cJSON_Delete(problem(&r, 422));
	h_resp_free(&r);
	ck_assert_int_eq(spent_rows(nonce), 0);
	char *name = h_unique("Fixed"), *fixed = h_user_body(name);
	ck_assert_int_eq(with_nonce("POST", "/api/v1/users", fixed, nonce, &r), 201);
	cJSON *u = h_body_json(&r);
	h_forget_user(num_of(u, "id"));
	cJSON_Delete(u);
	h_resp_free(&r);
	ck_assert_int_eq(spent_rows(nonce), 1);
	/* Malformed: 400 naming the header, nothing written. */
	char *other = h_unique("Malformed"), *jo = h_user_body(other);
	const char *bad[] = { "0123", "0123456789ABCDEF0123456789abcdef.1",
		              "0123456789abcdef0123456789abcdef", "x.1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		with_nonce("POST", "/api/v1/users", jo, bad[i], &r);
		p = problem(&r, 400);
		ck_assert_ptr_nonnull(field_error(p, "Form-Nonce"));
		cJSON_Delete(p);
		h_resp_free(&r);
	}
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE userName = '%s'", other);
	ck_assert_int_eq(h_sql_count(NULL, sql), 0);
	free(jo);
	free(other);
	free(fixed);
	free(name);
	free(taken);
}
END_TEST

/* A double click across pool workers: the same form's write sent by many clients at
 * once, each with another name, makes exactly one user; the others are told it was
 * sent already (they wait for the first transaction on the nonce's key). */
START_TEST(same_nonce_at_once_one_write)
{
	char nonce[64], prefix[24];
	fresh_nonce(nonce);
	char *base = h_unique("Click");
	snprintf(prefix, sizeof prefix, "%.20s", base);
	enum { N = 8 };
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			char name[32];
			snprintf(name, sizeof name, "%s-%d", prefix, i);
			char *json = h_user_body(name);
			char auth[256], fn[128];
			snprintf(auth, sizeof auth, "Authorization: Bearer %s",
			         h_env("INTEGRATION_TOKEN"));
			snprintf(fn, sizeof fn, "Form-Nonce: %s", nonce);
			const char *const headers[] = { auth, fn, NULL };
			struct h_resp r;
			if (h_request_h("POST", "/api/v1/users", headers, "application/json", json,
			                SIZE_MAX, &r) != 0)
				_exit(3);
			long st = r.status;
			cJSON *p = h_body_json(&r);
			const char *type = p ? str_of(p, "type") : NULL;
			int sent = st == 409 && type &&
			           strcmp(type, "tag:fcgi-users,2026:form-already-sent") == 0;
			_exit(st == 201 ? 0 : sent ? 1 : 2);
		}
	}
	int created = 0, refused = 0;
	for (int i = 0; i < N; i++) {
		int st = 0;
		waitpid(kids[i], &st, 0);
		ck_assert(WIFEXITED(st));
		created += WEXITSTATUS(st) == 0;
		refused += WEXITSTATUS(st) == 1;
	}
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(refused, N - 1);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT id FROM users WHERE userName LIKE '%s-%%'", prefix);
	ck_assert_int_eq(h_sql_count(NULL, sql), 1);
	char *id = h_sql_value(NULL, sql);
	h_forget_user(atol(id));
	free(id);
	free(base);
}
END_TEST

int main(void)
{
	const TTest *const api_tests[] = { create_read_rename_delete,
		                           names_stored_exactly,
		                           thirty_four_byte_characters,
		                           invalid_utf8_refused,
		                           duplicate_names_conflict,
		                           concurrent_creates_one_winner,
		                           validation_errors,
		                           impersonating_names_refused,
		                           id_exhaustion_is_507,
		                           malformed_and_wrong_type_bodies,
		                           body_too_large,
		                           not_found_and_methods,
		                           list_paging,
		                           prefix_search,
		                           prefix_total_bounded,
		                           search_uses_the_index,
		                           counter_follows_writes,
		                           health_and_ready,
		                           form_nonce_writes_once,
		                           refused_write_spends_no_nonce,
		                           same_nonce_at_once_one_write,
		                           NULL };
	Suite *s = check_suite(
	        "api-users", (const struct check_case[]){
	                             { .name = "api", .tests = api_tests, .timeout = 60 }, { 0 } });
	return check_run(s);
}
