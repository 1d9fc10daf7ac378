/*
 * harness: libcurl for HTTP, libmariadb for SQL, and fork/exec for the stack script
 * and the backend binary.
 */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <mysql.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

const char *h_env(const char *name)
{
	const char *v = getenv(name);
	ck_assert_msg(v && *v, "%s is not set: run the tests through make integration", name);
	return v;
}

struct buf {
	char *p;
	size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t k = size * n;
	char *np = realloc(b->p, b->len + k + 1);
	if (!np)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, data, k);
	b->len += k;
	b->p[b->len] = '\0';
	return k;
}

/* The bearer token sent with writes: run.sh's API token unless a test says otherwise. */
const char h_token_default[] = "INTEGRATION_TOKEN";
static const char *token_in_use = h_token_default;

const char *h_set_token(const char *token)
{
	const char *was = token_in_use;
	token_in_use = token;
	return was;
}

/* "Authorization: Bearer …" for a request other than GET/HEAD, into line; 0 when none. */
static int bearer_line(const char *method, char *line, size_t cap)
{
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || !token_in_use)
		return 0;
	const char *t =
	        token_in_use == H_TOKEN_DEFAULT ? getenv("INTEGRATION_TOKEN") : token_in_use;
	if (!t || !*t)
		return 0;
	snprintf(line, cap, "Authorization: Bearer %s", t);
	return 1;
}

int h_request(const char *method, const char *path, const char *content_type, const char *body,
              size_t len, struct h_resp *out)
{
	return h_request_h(method, path, NULL, content_type, body, len, out);
}

int h_request_h(const char *method, const char *path, const char *const headers[],
                const char *content_type, const char *body, size_t len, struct h_resp *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	char url[4096];
	snprintf(url, sizeof url, "%s%s", h_env("BASE_URL"), path);
	struct buf hb = { NULL, 0 }, bb = { NULL, 0 };
	struct curl_slist *hdrs = NULL;
	char ct[256];
	if (content_type) {
		snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
		hdrs = curl_slist_append(hdrs, ct);
	}
	hdrs = curl_slist_append(hdrs, "Expect:");
	char auth[256];
	if (!headers && bearer_line(method, auth, sizeof auth))
		hdrs = curl_slist_append(hdrs, auth);
	for (size_t i = 0; headers && headers[i]; i++)
		hdrs = curl_slist_append(hdrs, headers[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(len == SIZE_MAX ? strlen(body) : len));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &bb);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	out->headers = hb.p ? hb.p : strdup("");
	out->body = bb.p ? bb.p : strdup("");
	out->body_len = bb.len;
	return rc == CURLE_OK ? 0 : -1;
}

int h_get(const char *path, struct h_resp *out)
{
	return h_request("GET", path, NULL, NULL, 0, out);
}

int h_json_request(const char *method, const char *path, const char *json, struct h_resp *out)
{
	return h_request(method, path, "application/json", json, SIZE_MAX, out);
}

char *h_header(const struct h_resp *r, const char *name)
{
	size_t n = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *eol = strstr(line, "\r\n");
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		if (ll > n && line[n] == ':' && strncasecmp(line, name, n) == 0) {
			const char *v = line + n + 1;
			while (*v == ' ')
				v++;
			return strndup(v, ll - (size_t)(v - line));
		}
		line = eol ? eol + 2 : NULL;
	}
	return NULL;
}

cJSON *h_body_json(const struct h_resp *r)
{
	return cJSON_Parse(r->body);
}

void h_resp_free(struct h_resp *r)
{
	free(r->headers);
	free(r->body);
	memset(r, 0, sizeof *r);
}

static MYSQL *connect_db(const char *db)
{
	MYSQL *m = mysql_init(NULL);
	ck_assert_ptr_nonnull(m);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(m, "localhost", h_env("DB_USER"), h_env("DB_PASS"),
	                        db ? db : "users", 0, h_env("MYSQL_SOCKET"), 0)) {
		ck_abort_msg("cannot connect to the test database: %s", mysql_error(m));
	}
	return m;
}

int h_sql(const char *db, const char *sql)
{
	MYSQL *m = connect_db(db);
	int rc = mysql_query(m, sql) == 0 ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "h_sql: %s: %s\n", sql, mysql_error(m));
	MYSQL_RES *res = mysql_store_result(m);
	if (res)
		mysql_free_result(res);
	mysql_close(m);
	return rc;
}

unsigned h_sql_errno(const char *db, const char *sql)
{
	MYSQL *m = connect_db(db);
	unsigned e = mysql_query(m, sql) == 0 ? 0 : mysql_errno(m);
	MYSQL_RES *res = mysql_store_result(m);
	if (res)
		mysql_free_result(res);
	mysql_close(m);
	return e;
}

/* Run sql (the test fails when the server refuses it) and hand its result, when it has
 * one, to take. */
static void query(const char *db, const char *sql, const char *who,
                  void (*take)(MYSQL_RES *res, void *arg), void *arg)
{
	MYSQL *m = connect_db(db);
	if (mysql_query(m, sql) != 0)
		ck_abort_msg("%s: %s: %s", who, sql, mysql_error(m));
	MYSQL_RES *res = mysql_store_result(m);
	if (res) {
		take(res, arg);
		mysql_free_result(res);
	}
	mysql_close(m);
}

static void take_value(MYSQL_RES *res, void *arg)
{
	MYSQL_ROW row = mysql_fetch_row(res);
	unsigned long *lens = mysql_fetch_lengths(res);
	if (row && row[0])
		*(char **)arg = strndup(row[0], lens[0]);
}

char *h_sql_value(const char *db, const char *sql)
{
	char *v = NULL;
	query(db, sql, "h_sql_value", take_value, &v);
	return v;
}

static void take_count(MYSQL_RES *res, void *arg)
{
	*(long *)arg = (long)mysql_num_rows(res);
}

long h_sql_count(const char *db, const char *sql)
{
	long n = -1;
	query(db, sql, "h_sql_count", take_count, &n);
	return n;
}

/* The named column of the first row. */
struct field {
	const char *column;
	char *value;
};

static void take_field(MYSQL_RES *res, void *arg)
{
	struct field *f = arg;
	MYSQL_ROW row = mysql_fetch_row(res);
	unsigned n = mysql_num_fields(res);
	MYSQL_FIELD *fields = mysql_fetch_fields(res);
	for (unsigned i = 0; row && i < n; i++)
		if (strcmp(fields[i].name, f->column) == 0 && row[i])
			f->value = strdup(row[i]);
}

char *h_sql_field(const char *db, const char *sql, const char *column)
{
	struct field f = { .column = column };
	query(db, sql, "h_sql_field", take_field, &f);
	return f.value;
}

/* fork/exec argv with extra env; output captured when out is non-NULL. */
static int run(const char *const argv[], const char *const env[], char **out)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	struct buf b = { NULL, 0 };
	char chunk[4096];
	ssize_t k;
	while ((k = read(pfd[0], chunk, sizeof chunk)) > 0)
		collect(chunk, 1, (size_t)k, &b);
	close(pfd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		;
	if (out)
		*out = b.p ? b.p : strdup("");
	else
		free(b.p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int stack(const char *cmd)
{
	const char *argv[] = { "scripts/stack.sh", cmd, NULL };
	char *out = NULL;
	int rc = run(argv, NULL, &out);
	if (rc != 0)
		fprintf(stderr, "stack.sh %s: exit %d\n%s\n", cmd, rc, out);
	free(out);
	return rc;
}

int h_db_stop(void)
{
	return stack("db-stop");
}

int h_db_start(void)
{
	return stack("db-start");
}

int h_backend(const char *const env[], const char *const args[], char **output)
{
	char bin[512];
	const char *build = getenv("BUILD");
	snprintf(bin, sizeof bin, "%s/fcgi-backend", build && *build ? build : "build");
	const char *argv[16] = { bin };
	size_t n = 1;
	for (size_t i = 0; args && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return run(argv, env, output);
}

char *h_unique(const char *prefix)
{
	static unsigned counter;
	char s[64];
	snprintf(s, sizeof s, "%.12s%d-%u", prefix, (int)getpid() % 1000000, ++counter);
	return strdup(s);
}

char *h_user_body(const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "userName", name);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* Users a test created, deleted through the API when the test process exits (pass or
 * fail), so tests leave the shared stack as they found it. */
static long created[256];
static size_t ncreated;

static void delete_created(void)
{
	for (size_t i = 0; i < ncreated; i++) {
		char path[64];
		snprintf(path, sizeof path, "/api/v1/users/%ld", created[i]);
		struct h_resp r;
		if (h_request("DELETE", path, NULL, NULL, 0, &r) == 0)
			h_resp_free(&r);
	}
	ncreated = 0;
}

void h_forget_user(long id)
{
	if (ncreated == 0)
		atexit(delete_created);
	if (ncreated < sizeof created / sizeof created[0])
		created[ncreated++] = id;
}

long h_create_user(const char *name)
{
	char *body = h_user_body(name);
	struct h_resp r;
	ck_assert_int_eq(h_json_request("POST", "/api/v1/users", body, &r), 0);
	free(body);
	ck_assert_msg(r.status == 201, "creating %s: %ld %s", name, r.status, r.body);
	cJSON *j = h_body_json(&r);
	long id = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "id"));
	cJSON_Delete(j);
	h_forget_user(id);
	h_resp_free(&r);
	return id;
}
