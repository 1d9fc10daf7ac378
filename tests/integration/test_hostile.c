/*
 * Hostile HTTP: what an attacker or a broken client sends, through nginx (raw sockets
 * and libcurl) and straight to the backend pool over FastCGI (Debian's cgi-fcgi).
 * Every case must get a clear 4xx (or, for a client that gives up, no crash), and the
 * data must be intact afterwards: the five seed users unchanged, no stray rows, and
 * the stack still answering. Writes carry the run's API token (harness.h) where the
 * case is about what comes after authentication; the sign-in endpoints and the
 * credentials themselves get their own hostile cases.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "harness.h"
#include "utf8.h"

/* ---- raw HTTP to nginx ---------------------------------------------------------- */

static int connect_nginx(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(h_env("PORT"))) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s",
	              strerror(errno));
	return fd;
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0)
			return; /* the server may close early on a bad request: that is fine */
		buf += n;
		len -= (size_t)n;
	}
}

/* Read until EOF or timeout; returns the status of the first response line, or 0. */
static int read_status(int fd, int timeout_ms, char *body, size_t cap)
{
	size_t len = 0;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		ssize_t n = recv(fd, body + len, cap - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap - 1)
			break;
	}
	body[len] = '\0';
	int status = 0;
	sscanf(body, "HTTP/1.%*d %d", &status);
	return status;
}

/* "Authorization: Bearer <the run's API token>\r\n", for raw requests that must get
 * past authentication to reach what they test. */
static const char *auth_line(void)
{
	static char line[160];
	snprintf(line, sizeof line, "Authorization: Bearer %s\r\n", h_env("INTEGRATION_TOKEN"));
	return line;
}

/* The same as a FastCGI parameter (what nginx would pass). */
static const char *auth_param(void)
{
	static char p[160];
	snprintf(p, sizeof p, "HTTP_AUTHORIZATION=Bearer %s", h_env("INTEGRATION_TOKEN"));
	return p;
}

/* One raw exchange: send req (len bytes), optionally half-close, read the answer. */
static int raw(const char *req, size_t len, int half_close, char *out, size_t cap)
{
	int fd = connect_nginx();
	send_all(fd, req, len);
	if (half_close)
		shutdown(fd, SHUT_WR);
	int st = read_status(fd, 20000, out, cap);
	close(fd);
	return st;
}

/* ---- the data must be intact ---------------------------------------------------- */

static long users_before;

static void snapshot(void)
{
	users_before = h_sql_count(NULL, "SELECT id FROM users");
	ck_assert_int_ge(users_before, 5);
}

static void assert_intact(void)
{
	/* The seed users are as the old system left them, in order. */
	char *seed = h_sql_value(NULL, "SELECT GROUP_CONCAT(userName ORDER BY id SEPARATOR ',') "
	                               "FROM (SELECT id, userName FROM users ORDER BY id "
	                               "LIMIT 5) s");
	ck_assert_str_eq(seed, "Bob,Jay,Matt,Ferg,Mo");
	free(seed);
	ck_assert_int_eq(h_sql_count(NULL, "SELECT id FROM users"), users_before);
	struct h_resp r;
	ck_assert_int_eq(h_get("/backend", &r), 0);
	ck_assert_int_eq(r.status, 200);
	h_resp_free(&r);
}

static void setup(void)
{
	snapshot();
}

static void teardown(void)
{
	assert_intact();
}

/* ---- through nginx -------------------------------------------------------------- */

START_TEST(oversized_headers)
{
	size_t n = 64 * 1024;
	char *req = malloc(n + 256);
	int k = snprintf(req, 256, "GET /backend HTTP/1.1\r\nHost: x\r\nCookie: a=");
	memset(req + k, 'x', n);
	memcpy(req + k + n, "\r\n\r\n", 5);
	char out[8192];
	int st = raw(req, (size_t)k + n + 4, 0, out, sizeof out);
	ck_assert_msg(st == 400 || st == 431 || st == 494, "oversized header: %d", st);
	free(req);
}
END_TEST

START_TEST(oversized_body_json)
{
	size_t n = 20 * 1024;
	char *body = malloc(n + 32);
	int k = snprintf(body, 32, "{\"userName\":\"");
	memset(body + k, 'a', n);
	memcpy(body + k + n, "\"}", 3);
	struct h_resp r;
	ck_assert_int_eq(h_request("POST", "/api/v1/users", "application/json", body, SIZE_MAX, &r),
	                 0);
	ck_assert_int_eq(r.status, 413);
	h_resp_free(&r);
	free(body);
}
END_TEST

START_TEST(truncated_body)
{
	/* Content-Length promises 200 bytes; the client sends 20 and stops writing. */
	const char *req =
	        "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	        "Content-Length: 200\r\nConnection: close\r\n\r\n{\"userName\":\"trunc";
	char out[8192];
	int st = raw(req, strlen(req), 1, out, sizeof out);
	/* nginx answers 400 for a body cut short, or closes; never a write. */
	ck_assert_msg(st == 0 || (st >= 400 && st < 500), "truncated body: %d", st);
}
END_TEST

START_TEST(content_length_shorter_than_body)
{
	/* The declared length cuts the JSON: the backend sees malformed JSON. */
	char req[512];
	snprintf(req, sizeof req,
	         "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	         "%sContent-Length: 10\r\nConnection: close\r\n\r\n{\"userName\":\"short\"}",
	         auth_line());
	char out[8192];
	int st = raw(req, strlen(req), 0, out, sizeof out);
	ck_assert_int_eq(st, 400);
}
END_TEST

START_TEST(bad_content_length)
{
	const char *reqs[] = {
		"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
		"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
		"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: "
		"99999999999999999999\r\n\r\n",
		"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: "
		"6\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		char out[8192];
		int st = raw(reqs[i], strlen(reqs[i]), 0, out, sizeof out);
		ck_assert_msg(st >= 400 && st < 500, "case %zu: %d", i, st);
	}
}
END_TEST

START_TEST(invalid_utf8_and_nul)
{
	static const struct {
		const char *body;
		size_t len;
		long want;
	} cases[] = {
		{ "{\"userName\":\"\xff\xfe\"}", 17, 422 },           /* not UTF-8 */
		{ "{\"userName\":\"\xc0\xaf\"}", 17, 422 },           /* overlong '/' */
		{ "{\"userName\":\"\xe0\x80\xaf\"}", 18, 422 },       /* overlong, 3 bytes */
		{ "{\"userName\":\"\xed\xa0\x80\"}", 18, 422 },       /* a surrogate */
		{ "{\"userName\":\"a\\u0000b\"}", 23, -1 },           /* NUL in the name */
		{ "{\"userName\":\"a\0b\"}", 18, 400 },               /* raw NUL: not JSON */
		{ "{\"userName\":\"\\ud800\"}", 21, -1 },             /* lone surrogate escape */
		{ "{\"userName\":\"tab\\there\"}", 24, 422 },         /* control character */
		{ "{\"userName\":\"x\",\"userName\":\"y\"}", 31, 0 }, /* duplicate member */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct h_resp r;
		ck_assert_int_eq(h_request("POST", "/api/v1/users", "application/json",
		                           cases[i].body, cases[i].len, &r),
		                 0);
		if (cases[i].want < 0) /* either answer is clear and writes nothing */
			ck_assert_msg(r.status == 400 || r.status == 422, "case %zu: %ld", i,
			              r.status);
		else if (cases[i].want)
			ck_assert_msg(r.status == cases[i].want, "case %zu: want %ld, got %ld: %s",
			              i, cases[i].want, r.status, r.body);
		else
			ck_assert_msg(r.status == 400 || r.status == 422 || r.status == 201 ||
			                      r.status == 409,
			              "duplicate member: %ld", r.status);
		if (r.status == 201) {
			/* A duplicate member may be read as the first value: then it is a real
			 * user, which the test removes again. */
			cJSON *j = h_body_json(&r);
			h_forget_user((long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "id")));
			users_before++;
			cJSON_Delete(j);
		}
		h_resp_free(&r);
	}
}
END_TEST

/* Issue 20, point 5: a JSON member name with invalid bytes came back raw in
 * errors[].field. Every answer must be valid UTF-8, whatever was sent. */
START_TEST(answers_are_valid_utf8)
{
	static const struct {
		const char *body;
	} cases[] = {
		{ "{\"userName\":\"a\",\"x\xff\xfey\":1}" },   /* bad bytes in a member name */
		{ "{\"\xc0\xaf\":1,\"userName\":\"a\"}" },     /* an overlong one */
		{ "{\"userName\":\"a\",\"\xed\xa0\x80\":1}" }, /* a surrogate */
		{ "{\"userName\":\"a\",\"\xe2\x82\":1}" },     /* a cut sequence */
		{ "{\"userName\":\"\xff\"}" },                 /* bad bytes in a value */
		{ "{\"userName\":\"a\",\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
		  "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
		  "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\":1}" }, /* a member name longer than the field holds, cut between
		                        characters */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct h_resp r;
		ck_assert_int_eq(h_request("POST", "/api/v1/users", "application/json",
		                           cases[i].body, SIZE_MAX, &r),
		                 0);
		ck_assert_msg(r.status == 400 || r.status == 422, "case %zu: %ld", i, r.status);
		ck_assert_msg(utf8_count(r.body, r.body_len) >= 0,
		              "case %zu: the answer is not valid UTF-8: %s", i, r.body);
		cJSON *j = cJSON_Parse(r.body);
		ck_assert_msg(j != NULL, "case %zu: not JSON: %s", i, r.body);
		cJSON_Delete(j);
		h_resp_free(&r);
	}
}
END_TEST

START_TEST(path_traversal)
{
	static const char *paths[] = {
		"/static/../../../../etc/passwd",   "/static/..%2f..%2f..%2fetc%2fpasswd",
		"/static/%2e%2e/%2e%2e/etc/passwd", "/api/v1/users/..%2f..%2fetc",
		"/api/v1/users/1/../../../backend", "/%2e%2e/%2e%2e/etc/passwd",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char req[512], out[16384];
		snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		         paths[i]);
		int st = raw(req, strlen(req), 0, out, sizeof out);
		ck_assert_msg(strstr(out, "root:x:0:0") == NULL, "%s served /etc/passwd", paths[i]);
		/* nginx normalises "/api/v1/users/1/../../../backend" to "/backend": a 200
		 * of the API is fine there, a file outside the roots never is. */
		ck_assert_msg(st == 400 || st == 403 || st == 404 ||
		                      (st == 200 && strstr(out, "userName")),
		              "%s: %d", paths[i], st);
	}
}
END_TEST

START_TEST(sql_injection_is_data)
{
	static const char *names[] = {
		"'; DROP TABLE users; --",       "\" OR \"1\"=\"1",
		"Robert'); DELETE FROM users;#", "x' UNION SELECT 1,2,3 --",
		"%' OR userName LIKE '%",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		/* As a search: 200 and no error; the LIKE wildcards are literal. */
		char path[512];
		size_t k = (size_t)snprintf(path, sizeof path, "/api/v1/users?q=");
		for (const char *c = names[i]; *c && k + 4 < sizeof path; c++)
			k += (size_t)snprintf(path + k, sizeof path - k, "%%%02X",
			                      (unsigned char)*c);
		struct h_resp r;
		ck_assert_int_eq(h_get(path, &r), 0);
		ck_assert_msg(r.status == 200, "search %s: %ld", names[i], r.status);
		cJSON *j = h_body_json(&r);
		ck_assert_int_eq((long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "total")), 0);
		cJSON_Delete(j);
		h_resp_free(&r);
		/* As a name: stored and returned exactly. */
		long id = h_create_user(names[i]);
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT userName FROM users WHERE id = %ld", id);
		char *stored = h_sql_value(NULL, sql);
		ck_assert_str_eq(stored, names[i]);
		free(stored);
		users_before++;
	}
	ck_assert_int_ge(h_sql_count(NULL, "SHOW TABLES LIKE 'users'"), 1);
}
END_TEST

START_TEST(xss_payload_in_json)
{
	const char *name = "<script>alert(1)</script>";
	long id = h_create_user(name);
	users_before++;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%ld", id);
	struct h_resp r;
	ck_assert_int_eq(h_get(path, &r), 0);
	char *ct = h_header(&r, "Content-Type");
	ck_assert_msg(ct && strncmp(ct, "application/json", 16) == 0, "%s", ct);
	char *nosniff = h_header(&r, "X-Content-Type-Options");
	ck_assert_msg(nosniff && strcmp(nosniff, "nosniff") == 0, "nosniff missing");
	cJSON *j = h_body_json(&r);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(j, "userName")), name);
	cJSON_Delete(j);
	free(ct);
	free(nosniff);
	h_resp_free(&r);
}
END_TEST

START_TEST(huge_and_negative_numbers)
{
	static const char *paths[] = {
		"/api/v1/users?limit=99999999999999999999999",
		"/api/v1/users?limit=-1",
		"/api/v1/users?limit=0",
		"/api/v1/users?limit=1e3",
		"/api/v1/users?offset=-1",
		"/api/v1/users?offset=99999999999999999999999",
		"/api/v1/users?limit=%00",
		"/api/v1/users?limit=10%00",
		"/api/v1/users?limit=%zz",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct h_resp r;
		ck_assert_int_eq(h_get(paths[i], &r), 0);
		ck_assert_msg(r.status == 400, "%s: %ld", paths[i], r.status);
		h_resp_free(&r);
	}
	static const char *ids[] = { "/api/v1/users/-1",
		                     "/api/v1/users/0",
		                     "/api/v1/users/abc",
		                     "/api/v1/users/1.5",
		                     "/api/v1/users/99999999999999999999",
		                     "/api/v1/users/%31%00",
		                     "/api/v1/users/0x10" };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct h_resp r;
		ck_assert_int_eq(h_get(ids[i], &r), 0);
		ck_assert_msg(r.status == 404 || r.status == 400, "%s: %ld", ids[i], r.status);
		h_resp_free(&r);
		ck_assert_int_eq(h_request("DELETE", ids[i], NULL, NULL, 0, &r), 0);
		ck_assert_msg(r.status == 404 || r.status == 400, "DELETE %s: %ld", ids[i],
		              r.status);
		h_resp_free(&r);
	}
}
END_TEST

START_TEST(duplicate_parameters)
{
	/* The first value counts (documented in docs/security.md), and is validated. */
	struct h_resp r;
	ck_assert_int_eq(h_get("/api/v1/users?limit=1&limit=1000", &r), 0);
	ck_assert_int_eq(r.status, 200);
	cJSON *j = h_body_json(&r);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
	cJSON_Delete(j);
	h_resp_free(&r);
	ck_assert_int_eq(h_get("/api/v1/users?limit=1000&limit=1", &r), 0);
	ck_assert_int_eq(r.status, 400);
	h_resp_free(&r);
}
END_TEST

START_TEST(slow_client_does_not_block_others)
{
	/* A slowloris: several connections trickle header bytes. Meanwhile everyone else
	 * is served at once, and nginx, not a pool worker, holds the slow connections. */
	int slow[8];
	for (int i = 0; i < 8; i++) {
		slow[i] = connect_nginx();
		send_all(slow[i], "POST /api/v1/users HTTP/1.1\r\nHost: x\r\n", 38);
	}
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 8; i++)
			send_all(slow[i], "X-a: b\r\n", 8);
		struct h_resp r;
		ck_assert_int_eq(h_get("/api/v1/users?limit=1", &r), 0);
		ck_assert_int_eq(r.status, 200);
		h_resp_free(&r);
		usleep(300 * 1000);
	}
	for (int i = 0; i < 8; i++)
		close(slow[i]);
}
END_TEST

START_TEST(bad_methods_and_versions)
{
	static const char *reqs[] = {
		"FOO /backend HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /backend HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET backend HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /backend HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n"
		"Connection: close\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		char out[8192];
		int st = raw(reqs[i], strlen(reqs[i]), 0, out, sizeof out);
		ck_assert_msg(st >= 400 && st < 506 && st != 500 && st != 502,
		              "case %zu answered %d", i, st);
	}
}
END_TEST

/* ---- straight to the backend pool (cgi-fcgi) ------------------------------------ */

/* Run cgi-fcgi against the backend socket with env (NULL-terminated) and stdin body;
 * returns the Status: of the answer (200 when the answer has none). */
static int fcgi_direct(const char *const env[], const char *body, size_t len, char *out, size_t cap)
{
	const char *sock = h_env("BACKEND_SOCKET"); /* before clearenv() in the child */
	int in[2], outp[2];
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(outp), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		close(in[1]);
		close(outp[0]);
		clearenv();
		for (size_t i = 0; env[i]; i++)
			putenv((char *)env[i]);
		execlp("cgi-fcgi", "cgi-fcgi", "-bind", "-connect", sock, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	send_all(in[1], body, len); /* a pipe: send_all's MSG_NOSIGNAL does not apply */
	close(in[1]);
	size_t n = 0;
	ssize_t k;
	while (n + 1 < cap && (k = read(outp[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = '\0';
	close(outp[0]);
	int ws;
	waitpid(pid, &ws, 0);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) != 127, "cgi-fcgi did not run");
	int status = 200;
	sscanf(out, "Status: %d", &status);
	return status;
}

START_TEST(direct_wrong_content_length)
{
	char out[8192];
	/* Longer than the body: the pool waits for bytes that never come, then sees EOF. */
	const char *e1[] = { "REQUEST_METHOD=POST",
		             "REQUEST_URI=/api/v1/users",
		             "CONTENT_TYPE=application/json",
		             "CONTENT_LENGTH=500",
		             auth_param(),
		             NULL };
	int st = fcgi_direct(e1, "{\"userName\":\"x\"}", 16, out, sizeof out);
	ck_assert_msg(st == 400, "short body: %d %s", st, out);
	/* Huge: refused before reading. */
	const char *e2[] = { "REQUEST_METHOD=POST",
		             "REQUEST_URI=/api/v1/users",
		             "CONTENT_TYPE=application/json",
		             "CONTENT_LENGTH=1000000000000",
		             auth_param(),
		             NULL };
	st = fcgi_direct(e2, "{}", 2, out, sizeof out);
	ck_assert_msg(st == 413, "huge length: %d %s", st, out);
	/* Not a number. */
	const char *e3[] = { "REQUEST_METHOD=POST",
		             "REQUEST_URI=/api/v1/users",
		             "CONTENT_TYPE=application/json",
		             "CONTENT_LENGTH=12abc",
		             auth_param(),
		             NULL };
	st = fcgi_direct(e3, "{}", 2, out, sizeof out);
	ck_assert_msg(st == 400 || st == 411, "bad length: %d %s", st, out);
	/* Shorter than the body: the rest is ignored, the JSON is cut: 400. */
	const char *e4[] = { "REQUEST_METHOD=POST",
		             "REQUEST_URI=/api/v1/users",
		             "CONTENT_TYPE=application/json",
		             "CONTENT_LENGTH=5",
		             auth_param(),
		             NULL };
	st = fcgi_direct(e4, "{\"userName\":\"cut\"}", 18, out, sizeof out);
	ck_assert_msg(st == 400, "cut body: %d %s", st, out);
}
END_TEST

START_TEST(direct_missing_and_odd_params)
{
	char out[8192];
	const char *e1[] = { "REQUEST_URI=/backend", NULL }; /* no method */
	int st = fcgi_direct(e1, "", 0, out, sizeof out);
	ck_assert_msg(st == 400 || st == 405, "no method: %d", st);
	const char *e2[] = { "REQUEST_METHOD=GET", NULL }; /* no URI */
	st = fcgi_direct(e2, "", 0, out, sizeof out);
	ck_assert_msg(st == 400 || st == 404, "no uri: %d", st);
	const char *e3[] = { "REQUEST_METHOD=GET", "REQUEST_URI=../../etc/passwd", NULL };
	st = fcgi_direct(e3, "", 0, out, sizeof out);
	ck_assert_msg(st == 400 || st == 404, "relative uri: %d", st);
	ck_assert_ptr_null(strstr(out, "root:x:0:0"));
	const char *e4[] = { "REQUEST_METHOD=DELETE", "REQUEST_URI=/api/v1/users/1%00",
		             auth_param(), NULL };
	st = fcgi_direct(e4, "", 0, out, sizeof out);
	ck_assert_msg(st == 404 || st == 400, "NUL id: %d", st);
	const char *e5[] = { "REQUEST_METHOD=POST",
		             "REQUEST_URI=/api/v1/users",
		             "CONTENT_TYPE=text/plain",
		             "CONTENT_LENGTH=17",
		             auth_param(),
		             NULL };
	st = fcgi_direct(e5, "{\"userName\":\"x\"}", 17, out, sizeof out);
	ck_assert_msg(st == 415, "text/plain write: %d", st);
	/* The seed user 1 is still there after the NUL-id DELETE. */
	ck_assert_int_eq(h_sql_count(NULL, "SELECT id FROM users WHERE userName = 'Bob'"), 1);
}
END_TEST

/* ---- the sign-in endpoints and the credentials ----------------------------------- */

static int json_to(const char *method, const char *path, const char *ctype, const char *body,
                   size_t len, char **resp_body)
{
	struct h_resp r;
	const char *none[] = { NULL };
	ck_assert_int_eq(h_request_h(method, path, none, ctype, body, len, &r), 0);
	int st = (int)r.status;
	if (resp_body)
		*resp_body = strdup(r.body ? r.body : "");
	h_resp_free(&r);
	return st;
}

START_TEST(session_endpoint_hostile_bodies)
{
	const struct {
		const char *body;
		int want;
	} cases[] = {
		{ "{\"name\":\"alice' OR '1'='1\",\"password\":\"x\"}", 422 },
		{ "{\"name\":\"alice\",\"password\":\"x\",\"admin\":true}", 422 },
		{ "{\"name\":\"alice\",\"password\":12345}", 422 },
		{ "{\"name\":[\"alice\"],\"password\":\"x\"}", 422 },
		{ "{\"name\":\"alice\",\"password\":\"a\\u0000b\"}", 400 },
		{ "{\"name\":\"alice\"}", 422 },
		{ "{\"name\":\"\",\"password\":\"\"}", 422 },
		{ "[\"alice\",\"pw\"]", 400 },
		{ "{\"name\":\"alice\",", 400 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *b = NULL;
		int st = json_to("POST", "/api/v1/sessions", "application/json", cases[i].body,
		                 SIZE_MAX, &b);
		ck_assert_msg(st == cases[i].want, "case %zu %s: %d %s", i, cases[i].body, st, b);
		ck_assert_ptr_null(strstr(b, "fus_")); /* never a token */
		free(b);
	}
	/* A megabyte of password: nginx refuses it before any hashing. */
	size_t n = 1 << 20;
	char *big = malloc(n + 64);
	ck_assert_ptr_nonnull(big);
	int k = snprintf(big, 64, "{\"name\":\"alice\",\"password\":\"");
	memset(big + k, 'p', n);
	memcpy(big + k + n, "\"}", 3);
	ck_assert_int_eq(
	        json_to("POST", "/api/v1/sessions", "application/json", big, SIZE_MAX, NULL), 413);
	free(big);
	/* A form instead of JSON; the wrong method. */
	ck_assert_int_eq(json_to("POST", "/api/v1/sessions", "application/x-www-form-urlencoded",
	                         "name=alice&password=x", SIZE_MAX, NULL),
	                 415);
	ck_assert_int_eq(json_to("GET", "/api/v1/sessions", NULL, NULL, 0, NULL), 405);
	ck_assert_int_eq(h_sql_count(NULL, "SELECT id FROM sessions WHERE editorId NOT IN "
	                                   "(SELECT id FROM editors)"),
	                 0);
}
END_TEST

START_TEST(hostile_credentials)
{
	const char *bad[] = {
		"Authorization: Bearer fus_" /* cut short */,
		"Authorization: Bearer fus_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' --",
		"Authorization: Bearer fus_%41AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"Authorization: bearer",
		"Authorization: Negotiate YIIB",
		"Authorization: Bearer a b c",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct h_resp r;
		const char *hdrs[] = { bad[i], NULL };
		ck_assert_int_eq(h_request_h("DELETE", "/api/v1/users/1", hdrs, NULL, NULL, 0, &r),
		                 0);
		ck_assert_msg(r.status == 401, "%s: %ld", bad[i], r.status);
		h_resp_free(&r);
	}
	/* An Authorization header of 6 KiB: refused by nginx or by the backend, never 5xx. */
	char huge[6200];
	int k = snprintf(huge, sizeof huge, "Authorization: Bearer ");
	memset(huge + k, 'A', sizeof huge - (size_t)k - 1);
	huge[sizeof huge - 1] = '\0';
	struct h_resp r;
	const char *hdrs[] = { huge, NULL };
	ck_assert_int_eq(h_request_h("DELETE", "/api/v1/users/1", hdrs, NULL, NULL, 0, &r), 0);
	ck_assert_msg(r.status >= 400 && r.status < 500, "huge credential: %ld", r.status);
	h_resp_free(&r);
	/* A second Authorization line, raw: still one editor or none, never a write by
	 * someone else. nginx passes the first; with the valid one first the write is the
	 * token's own, so the second (garbage) changes nothing. */
	char req[1024], out[8192];
	snprintf(req, sizeof req,
	         "DELETE /api/v1/users/999999 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
	         "junk\r\n%sConnection: close\r\n\r\n",
	         auth_line());
	int st = raw(req, strlen(req), 0, out, sizeof out);
	ck_assert_msg(st == 401 || st == 404 || st == 400, "two Authorization lines: %d", st);
}
END_TEST

START_TEST(credentials_in_urls_refused)
{
	char path[256];
	snprintf(path, sizeof path, "/backend?access_token=%s", h_env("INTEGRATION_TOKEN"));
	ck_assert_int_eq(json_to("GET", path, NULL, NULL, 0, NULL), 400);
	snprintf(path, sizeof path, "/api/v1/users/1?x=%s", h_env("INTEGRATION_TOKEN"));
	ck_assert_int_eq(json_to("DELETE", path, NULL, NULL, 0, NULL), 400);
	ck_assert_int_eq(json_to("GET", "/api/v1/users?ACCESS_TOKEN=1", NULL, NULL, 0, NULL), 400);
}
END_TEST

START_TEST(direct_sso_param_not_trusted_without_sso)
{
	/* Straight to the backend pool, as if nginx had set SSO_USER: SSO is off on this
	 * stack, so the endpoint does not exist; a header of that name is nobody. */
	char out[8192];
	const char *e1[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/sessions/sso",
		             "SSO_USER=editor", NULL };
	int st = fcgi_direct(e1, "", 0, out, sizeof out);
	ck_assert_msg(st == 404, "SSO_USER without SSO=1: %d %s", st, out);
	ck_assert_ptr_null(strstr(out, "fus_"));
	const char *e2[] = { "REQUEST_METHOD=DELETE", "REQUEST_URI=/api/v1/users/1",
		             "HTTP_SSO_USER=editor", "SSO_USER=editor", NULL };
	st = fcgi_direct(e2, "", 0, out, sizeof out);
	ck_assert_msg(st == 401, "SSO_USER as a credential: %d %s", st, out);
	ck_assert_int_eq(h_sql_count(NULL, "SELECT id FROM users WHERE userName = 'Bob'"), 1);
}
END_TEST

int main(void)
{
	const TTest *const nginx_tests[] = { oversized_headers,
		                             oversized_body_json,
		                             truncated_body,
		                             content_length_shorter_than_body,
		                             bad_content_length,
		                             invalid_utf8_and_nul,
		                             answers_are_valid_utf8,
		                             path_traversal,
		                             sql_injection_is_data,
		                             xss_payload_in_json,
		                             huge_and_negative_numbers,
		                             duplicate_parameters,
		                             slow_client_does_not_block_others,
		                             bad_methods_and_versions,
		                             session_endpoint_hostile_bodies,
		                             hostile_credentials,
		                             credentials_in_urls_refused,
		                             NULL };
	const TTest *const fastcgi_tests[] = { direct_wrong_content_length,
		                               direct_missing_and_odd_params,
		                               direct_sso_param_not_trusted_without_sso, NULL };
	Suite *s = check_suite("hostile", (const struct check_case[]){ { .name = "nginx",
	                                                                 .tests = nginx_tests,
	                                                                 .timeout = 60,
	                                                                 .setup = setup,
	                                                                 .teardown = teardown },
	                                                               { .name = "fastcgi",
	                                                                 .tests = fastcgi_tests,
	                                                                 .timeout = 60,
	                                                                 .setup = setup,
	                                                                 .teardown = teardown },
	                                                               { 0 } });
	return check_run(s);
}
