/*
 * Paging the users list through nginx against the real database (issue 18, and issue
 * 20 point 1): keyset pages by cursor (after= a page's next) in every sort, their edges
 * (the last page, an empty page, bad and foreign cursors: 400), deep offsets refused
 * with a 400 that points to after=, the pages' own bound; a page is one statement;
 * GET /backend streams the same bytes the old tree printed, and a backend worker's
 * memory stays flat while it streams a table far larger than its buffers.
 */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "harness.h"

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* GET path: 200 and the JSON body (caller deletes). */
static cJSON *get_ok(const char *path)
{
	struct h_resp r;
	ck_assert_int_eq(h_get(path, &r), 0);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	cJSON *j = h_body_json(&r);
	ck_assert_ptr_nonnull(j);
	h_resp_free(&r);
	return j;
}

/* GET path: 400 whose errors name field with a message containing want. */
static void refused(const char *path, const char *field, const char *want)
{
	struct h_resp r;
	ck_assert_int_eq(h_get(path, &r), 0);
	ck_assert_msg(r.status == 400, "GET %s: want 400, got %ld: %s", path, r.status, r.body);
	cJSON *j = h_body_json(&r);
	ck_assert_ptr_nonnull(j);
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "errors"), 0);
	ck_assert_msg(e && strcmp(str_of(e, "field"), field) == 0, "GET %s: %s", path, r.body);
	ck_assert_msg(strstr(str_of(e, "message"), want), "GET %s: message %s", path,
	              str_of(e, "message"));
	cJSON_Delete(j);
	h_resp_free(&r);
}

/* Five users whose names share a fresh prefix; their names, A–Z. */
static char *prefix_with_five(char names[5][64])
{
	char *p = h_unique("pg");
	const char *tails[5] = { "d", "b", "e", "a", "c" }; /* created out of name order */
	for (int i = 0; i < 5; i++) {
		snprintf(names[i], 64, "%s%s", p, tails[i]);
		h_create_user(names[i]);
	}
	for (int i = 0; i < 5; i++)
		snprintf(names[i], 64, "%s%c", p, 'a' + i);
	return p;
}

/* Walk a list by next from path, 2 per page; the names in the order seen. */
static int walk(const char *first, char seen[8][64])
{
	char path[512];
	snprintf(path, sizeof path, "%s", first);
	int n = 0, pages = 0;
	for (;;) {
		cJSON *j = get_ok(path);
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		{
			ck_assert_int_lt(n, 8);
			snprintf(seen[n++], 64, "%s", str_of(it, "userName"));
		}
		if (strstr(path, "after=")) /* a page by cursor has no offset */
			ck_assert_ptr_null(cJSON_GetObjectItem(j, "offset"));
		const cJSON *next = cJSON_GetObjectItem(j, "next");
		ck_assert_ptr_nonnull(next); /* always there: a cursor, or null */
		pages++;
		if (cJSON_IsNull(next)) {
			cJSON_Delete(j);
			break;
		}
		ck_assert_int_lt(pages, 6);
		char *base = strndup(first, strcspn(first, "&"));
		snprintf(path, sizeof path, "%s&after=%s%s", base, next->valuestring,
		         strchr(first, '&') ? strchr(first, '&') : "");
		free(base);
		cJSON_Delete(j);
	}
	ck_assert_int_eq(pages, 3); /* 2 + 2 + 1 */
	return n;
}

START_TEST(cursor_pages_by_name_both_ways)
{
	char names[5][64], seen[8][64], path[256];
	char *p = prefix_with_five(names);
	snprintf(path, sizeof path, "/api/v1/users?limit=2&q=%s", p);
	ck_assert_int_eq(walk(path, seen), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(seen[i], names[i]);
	snprintf(path, sizeof path, "/api/v1/users?limit=2&q=%s&sort=-name", p);
	ck_assert_int_eq(walk(path, seen), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(seen[i], names[4 - i]);
	free(p);
}
END_TEST

START_TEST(cursor_pages_by_id_both_ways)
{
	/* Newest first: the first item is the user created last, and following next
	 * goes back in time without repeating anyone. */
	long a = h_create_user(h_unique("idA")), b = h_create_user(h_unique("idB"));
	cJSON *j = get_ok("/api/v1/users?limit=1&sort=-id");
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
	ck_assert_int_eq((long)cJSON_GetNumberValue(cJSON_GetObjectItem(first, "id")), b);
	char path[512];
	snprintf(path, sizeof path, "/api/v1/users?limit=1&sort=-id&after=%s", str_of(j, "next"));
	cJSON_Delete(j);
	j = get_ok(path);
	first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
	ck_assert_int_eq((long)cJSON_GetNumberValue(cJSON_GetObjectItem(first, "id")), a);
	cJSON_Delete(j);
	/* Oldest first by default. */
	j = get_ok("/api/v1/users?limit=1");
	first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
	char *oldest = h_sql_value(NULL, "SELECT MIN(id) FROM users");
	ck_assert_int_eq((long)cJSON_GetNumberValue(cJSON_GetObjectItem(first, "id")),
	                 atol(oldest));
	free(oldest);
	cJSON_Delete(j);
}
END_TEST

START_TEST(last_and_empty_pages)
{
	char names[5][64], path[512];
	char *p = prefix_with_five(names);
	/* The last page: exactly what is left, next null. */
	snprintf(path, sizeof path, "/api/v1/users?limit=5&q=%s", p);
	cJSON *j = get_ok(path);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 5);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	cJSON_Delete(j);
	/* A page of 4: next points at the fifth; after it, an empty page with next null. */
	snprintf(path, sizeof path, "/api/v1/users?limit=4&q=%s", p);
	j = get_ok(path);
	char *next = strdup(str_of(j, "next"));
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/v1/users?limit=4&q=%s&after=%s", p, next);
	j = get_ok(path);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
	char *last = strdup(str_of(j, "next") ? str_of(j, "next") : "");
	ck_assert_str_eq(last, ""); /* null: that was the last */
	cJSON_Delete(j);
	/* Past the end by offset: an empty page that still says the total. */
	snprintf(path, sizeof path, "/api/v1/users?limit=4&offset=5&q=%s", p);
	j = get_ok(path);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 0);
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "total")), 5);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	cJSON_Delete(j);
	free(next);
	free(last);
	free(p);
}
END_TEST

START_TEST(bad_cursors_are_400)
{
	refused("/api/v1/users?after=garbage", "after", "not a cursor");
	refused("/api/v1/users?after=aGVsbG8gd29ybGQ", "after", "not a cursor"); /* "hello world" */
	refused("/api/v1/users?after=a%2Bb%2Fc", "after", "not a cursor");
	refused("/api/v1/users?after=", "after", "");
	/* A cursor of the id order used with the name order. */
	cJSON *j = get_ok("/api/v1/users?limit=1");
	char path[512];
	ck_assert_ptr_nonnull(str_of(j, "next"));
	snprintf(path, sizeof path, "/api/v1/users?limit=1&sort=name&after=%s", str_of(j, "next"));
	refused(path, "after", "another sort");
	snprintf(path, sizeof path, "/api/v1/users?limit=1&offset=3&after=%s", str_of(j, "next"));
	refused(path, "after", "offset");
	cJSON_Delete(j);
	refused("/api/v1/users?sort=age", "sort", "id, -id, name or -name");
	refused("/api/v1/users?q=a&sort=id", "sort", "by name");
}
END_TEST

START_TEST(deep_offsets_are_refused_and_point_to_after)
{
	/* Issue 20 point 1: an offset costs the rows it skips, so it is bounded. */
	refused("/api/v1/users?offset=1001", "offset", "after=");
	refused("/api/v1/users?q=l&offset=199000&limit=100", "offset", "after=");
	refused("/api/v1/users?offset=2147483647", "offset", "at most 1000");
	cJSON *j = get_ok("/api/v1/users?offset=1000");
	cJSON_Delete(j);
	/* The pages, over 1100 users of one prefix: page 51 (offset 1000) is served; page
	 * 52 exists but is too deep to reach by number (400); a number past the end of the
	 * list whose last page is itself too deep is 400 too; past the end of a short list
	 * (a bookmark, a list that shrank) it goes to the last page. */
	char *tag = h_unique("deep");
	char sql[512], uri[160];
	snprintf(sql, sizeof sql,
	         "INSERT INTO users (userName, createdAt) SELECT CONCAT('%s', seq), "
	         "UTC_TIMESTAMP() FROM seq_1_to_1100",
	         tag);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	/* Every answer is taken first and the users deleted before any assertion: a
	 * failure here must not leave 1100 users to the suites that follow. */
	static const char *const asks[] = { "51", "52", "1000000" };
	long status[4] = { 0 };
	int has_message = 0, to_first = 0;
	struct h_resp r;
	for (size_t i = 0; i < 3; i++) {
		snprintf(uri, sizeof uri, "/?q=%s&page=%s", tag, asks[i]);
		if (h_get(uri, &r) == 0) {
			status[i] = r.status;
			if (i == 1)
				has_message =
				        strstr(r.body, "there is no page 52 to go to by number") !=
				        NULL;
			h_resp_free(&r);
		}
	}
	snprintf(uri, sizeof uri, "/?q=%s1000&page=99", tag); /* one user: tag1000 */
	if (h_get(uri, &r) == 0) {
		status[3] = r.status;
		to_first = r.headers && strstr(r.headers, "&page=1\r") != NULL;
		h_resp_free(&r);
	}
	snprintf(sql, sizeof sql, "DELETE FROM users WHERE userName LIKE '%s%%'", tag);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	ck_assert_int_eq(status[0], 200);
	ck_assert_int_eq(status[1], 400);
	ck_assert_msg(has_message, "page 52's 400 does not say why");
	ck_assert_int_eq(status[2], 400);
	ck_assert_int_eq(status[3], 303);
	ck_assert_msg(to_first, "past the end of a one-user list: not sent to page 1");
	free(tag);
}
END_TEST

static long stmt_executes(void)
{
	char *v = h_sql_field(NULL, "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'", "Value");
	ck_assert_ptr_nonnull(v);
	long n = atol(v);
	free(v);
	return n;
}

START_TEST(a_page_is_one_statement)
{
	/* The list's page and its total in one round trip; past the end, the total alone
	 * in a second. A search whose page ends the matches needs no count (one
	 * statement, and its total is exact); a full page is counted in a second. */
	char names[5][64], q_all[160], q_full[160], q_last[160];
	char *p = prefix_with_five(names);
	snprintf(q_all, sizeof q_all, "/api/v1/users?q=%s", p);
	snprintf(q_full, sizeof q_full, "/api/v1/users?q=%s&limit=2", p);
	snprintf(q_last, sizeof q_last, "/api/v1/users?q=%s&limit=2&offset=4", p);
	const struct {
		const char *path;
		long statements;
	} cases[] = { { "/api/v1/users?limit=3", 1 },
		      { "/api/v1/users?sort=-name", 1 },
		      { "/api/v1/users?offset=1000", 2 },
		      { q_all, 1 },
		      { q_last, 1 },
		      { "/api/v1/users?q=nobody-at-all", 1 },
		      { q_full, 2 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON_Delete(get_ok(cases[i].path)); /* prepared once per connection */
		long before = stmt_executes();
		cJSON *j = get_ok(cases[i].path);
		long n = stmt_executes() - before;
		ck_assert_msg(n == cases[i].statements, "%s: %ld statements", cases[i].path, n);
		const cJSON *total = cJSON_GetObjectItem(j, "total");
		ck_assert_ptr_nonnull(total);
		if (cases[i].path == q_all || cases[i].path == q_last || cases[i].path == q_full)
			ck_assert_int_eq(total->valueint, 5); /* counted or told by the page */
		cJSON_Delete(j);
	}
	free(p);
}
END_TEST

/* GET /backend as the old system printed it: a cJSON array of {"userName"} in id
 * order, built here from the table. */
static char *backend_as_tree(void)
{
	long n = h_sql_count(NULL, "SELECT id FROM users");
	cJSON *arr = cJSON_CreateArray();
	for (long i = 0; i < n; i++) {
		char sql[128];
		snprintf(sql, sizeof sql,
		         "SELECT userName FROM users ORDER BY id LIMIT 1 OFFSET %ld", i);
		char *name = h_sql_value(NULL, sql);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "userName", name);
		cJSON_AddItemToArray(arr, o);
		free(name);
	}
	char *s = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return s;
}

START_TEST(backend_streams_the_same_bytes)
{
	h_create_user(h_unique("q\"uote\\back"));
	h_create_user(h_unique("emoji😀"));
	struct h_resp r;
	ck_assert_int_eq(h_get("/backend", &r), 0);
	ck_assert_int_eq(r.status, 200);
	char *want = backend_as_tree();
	ck_assert_uint_eq(r.body_len, strlen(want));
	ck_assert_int_eq(memcmp(r.body, want, r.body_len), 0);
	char *ct = h_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "application/json");
	free(ct);
	free(want);
	h_resp_free(&r);
}
END_TEST

/* The largest peak RSS (VmHWM, KiB) among the backend pool's workers, and their pids. */
static long backend_peak_kib(void)
{
	char path[512], line[256];
	snprintf(path, sizeof path, "%s/pids/backend.pid", h_env("RUN_DIR"));
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	long master = 0;
	ck_assert_int_eq(fscanf(f, "%ld", &master), 1);
	fclose(f);
	long peak = 0;
	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", master, master);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	long kid;
	int workers = 0;
	while (fscanf(f, "%ld", &kid) == 1) {
		char st[64];
		snprintf(st, sizeof st, "/proc/%ld/status", kid);
		FILE *s = fopen(st, "r");
		if (!s)
			continue;
		while (fgets(line, sizeof line, s)) {
			long kib;
			if (sscanf(line, "VmHWM: %ld kB", &kib) == 1 && kib > peak)
				peak = kib;
		}
		fclose(s);
		workers++;
	}
	fclose(f);
	ck_assert_int_gt(workers, 0);
	return peak;
}

START_TEST(backend_memory_stays_flat_on_a_large_table)
{
	/* 300,000 extra users: GET /backend answers about 8 MB. Built as a tree it took a
	 * worker's peak RSS up by well over 100 MiB; streamed, by the buffers only. */
	char *tag = h_unique("mem");
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO users (userName, createdAt) SELECT CONCAT('%s', seq), "
	         "UTC_TIMESTAMP() FROM seq_1_to_300000",
	         tag);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	ck_assert_int_eq(h_sql(NULL, "UPDATE user_count SET users = (SELECT COUNT(*) FROM users) "
	                             "WHERE id = 1"),
	                 0);
	long before = backend_peak_kib();
	struct h_resp r;
	size_t len = 0;
	for (int i = 0; i < 3; i++) { /* every worker serves one */
		ck_assert_int_eq(h_get("/backend", &r), 0);
		ck_assert_int_eq(r.status, 200);
		len = r.body_len;
		ck_assert(r.body[0] == '[' && r.body[r.body_len - 1] == ']');
		h_resp_free(&r);
	}
	long after = backend_peak_kib();
	snprintf(sql, sizeof sql, "DELETE FROM users WHERE userName LIKE '%s%%'", tag);
	ck_assert_int_eq(h_sql(NULL, sql), 0);
	ck_assert_int_eq(h_sql(NULL, "UPDATE user_count SET users = (SELECT COUNT(*) FROM users) "
	                             "WHERE id = 1"),
	                 0);
	ck_assert_uint_gt(len, 7 * 1024 * 1024);
	ck_assert_msg(after - before < 8 * 1024,
	              "a backend worker's peak RSS grew by %ld KiB serving %zu bytes",
	              after - before, len);
	free(tag);
}
END_TEST

int main(void)
{
	const TTest *const paging_tests[] = { cursor_pages_by_name_both_ways,
		                              cursor_pages_by_id_both_ways,
		                              last_and_empty_pages,
		                              bad_cursors_are_400,
		                              deep_offsets_are_refused_and_point_to_after,
		                              a_page_is_one_statement,
		                              backend_streams_the_same_bytes,
		                              backend_memory_stays_flat_on_a_large_table,
		                              NULL };
	return check_run(check_suite(
	        "api_paging",
	        (const struct check_case[]){
	                { .name = "paging", .tests = paging_tests, .timeout = 120 }, { 0 } }));
}
