/*
 * The users API through nginx against the real database: create, read, list with
 * paging and prefix search, rename, delete, and every error answer of the contract
 * (400, 404, 405 with Allow, 409, 413, 415, 422 with field errors). Names with quotes,
 * backslashes, %, _, SQL fragments and 4-byte UTF-8 must come back byte for byte.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
		{ "{\"userName\":\" padded\"}", "userName", "must not start or end with a space" },
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

int main(void)
{
	const TTest *const api_tests[] = { create_read_rename_delete,
		                           names_stored_exactly,
		                           thirty_four_byte_characters,
		                           invalid_utf8_refused,
		                           duplicate_names_conflict,
		                           concurrent_creates_one_winner,
		                           validation_errors,
		                           malformed_and_wrong_type_bodies,
		                           body_too_large,
		                           not_found_and_methods,
		                           list_paging,
		                           prefix_search,
		                           prefix_total_bounded,
		                           search_uses_the_index,
		                           counter_follows_writes,
		                           health_and_ready,
		                           NULL };
	Suite *s = check_suite(
	        "api-users", (const struct check_case[]){
	                             { .name = "api", .tests = api_tests, .timeout = 60 }, { 0 } });
	return check_run(s);
}
