/*
 * Unit tests for fcgi-frontend/api_client: parsing of the API's JSON and
 * problem+json, and the transport against small loopback servers this test forks:
 * a canned HTTP/1.1 server (statuses, bodies, keep-alive reuse), a port nobody
 * listens on (refused) and a server that accepts but never answers (timeout). These
 * check the client's side of the contract; the real backend is exercised by
 * tests/integration/test_pages.c.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_run.h"
#include "api_client.h"
#include "log.h"

/* ---- parsing ---- */

START_TEST(parse_page)
{
	struct api_user_page p;
	const char *json = "{\"items\":[{\"id\":1,\"userName\":\"Bob\",\"createdAt\":\"2026-01-"
	                   "01T00:00:00Z\"},"
	                   "{\"id\":2,\"userName\":\"<b>Jay</b>\",\"createdAt\":\"x\"}],"
	                   "\"total\":5,\"limit\":2,\"offset\":0}";
	ck_assert_int_eq(api_parse_user_page(json, &p), 0);
	ck_assert_uint_eq(p.count, 2);
	ck_assert_int_eq(p.total, 5);
	ck_assert_int_eq(p.limit, 2);
	ck_assert_int_eq(p.items[0].id, 1);
	ck_assert_str_eq(p.items[0].name, "Bob");
	ck_assert_str_eq(p.items[0].created_at, "2026-01-01T00:00:00Z");
	ck_assert_str_eq(p.items[1].name, "<b>Jay</b>");
	api_user_page_free(&p);
}
END_TEST

START_TEST(parse_refuses_wrong_shapes)
{
	struct api_user_page p;
	struct api_user u;
	ck_assert_int_eq(api_parse_user_page("[]", &p), -1);
	ck_assert_int_eq(api_parse_user_page("not json", &p), -1);
	ck_assert_int_eq(api_parse_user_page(NULL, &p), -1);
	ck_assert_int_eq(api_parse_user_page("{\"items\":[{\"id\":\"1\",\"userName\":\"B\"}]}", &p),
	                 -1);
	ck_assert_int_eq(api_parse_user("{\"id\":3}", &u), -1);
	ck_assert_int_eq(api_parse_user("{\"id\":0,\"userName\":\"x\"}", &u), -1);
	ck_assert_int_eq(api_parse_user("{\"id\":3,\"userName\":\"Mo\"}", &u), 0);
	ck_assert_int_eq(u.id, 3);
	ck_assert_str_eq(u.name, "Mo");
	ck_assert_str_eq(u.created_at, "");
}
END_TEST

START_TEST(map_problem_json)
{
	struct api_error e;
	api_map_error(422,
	              "{\"title\":\"Invalid\",\"status\":422,\"detail\":\"check the fields\","
	              "\"errors\":[{\"field\":\"userName\",\"message\":\"is too long\"}]}",
	              &e);
	ck_assert_int_eq(e.status, API_INVALID);
	ck_assert_int_eq(e.http_status, 422);
	ck_assert_str_eq(e.detail, "check the fields");
	ck_assert_str_eq(e.field, "userName");
	ck_assert_str_eq(e.field_message, "is too long");
	api_map_error(409, "{\"title\":\"Conflict\"}", &e);
	ck_assert_int_eq(e.status, API_CONFLICT);
	ck_assert_str_eq(e.detail, "Conflict");
	/* The form's write was made already: its own problem type, not a taken name. */
	api_map_error(409,
	              "{\"type\":\"" FORM_SENT_PROBLEM "\",\"title\":\"Form already sent\","
	              "\"status\":409,\"detail\":\"this form was already sent\"}",
	              &e);
	ck_assert_int_eq(e.status, API_REPLAYED);
	ck_assert_str_eq(e.detail, "this form was already sent");
	api_map_error(409, "{\"type\":\"about:blank\",\"title\":\"Conflict\"}", &e);
	ck_assert_int_eq(e.status, API_CONFLICT);
	api_map_error(422, "{\"type\":\"" FORM_SENT_PROBLEM "\"}", &e);
	ck_assert_int_eq(e.status, API_INVALID);
	api_map_error(404, "", &e);
	ck_assert_int_eq(e.status, API_NOT_FOUND);
	api_map_error(502, "<html>bad gateway</html>", &e);
	ck_assert_int_eq(e.status, API_UNAVAILABLE);
	ck_assert_str_eq(e.detail, "");
	api_map_error(500, NULL, &e);
	ck_assert_int_eq(e.status, API_FAILED);
	api_map_error(418, "{}", &e);
	ck_assert_int_eq(e.status, API_FAILED);
}
END_TEST

/* ---- transport ---- */

static pid_t server_pid = -1;
static struct api_client client; /* the worker's client, as the service struct holds it */

static int listen_loopback(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	socklen_t len = sizeof a;
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

static void reply(int c, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
	                 "Content-Length: %zu\r\n\r\n",
	                 status, strlen(body));
	if (write(c, head, (size_t)n) < 0 || write(c, body, strlen(body)) < 0)
		_exit(1);
}

/* Serve one connection's requests until it closes; conn is its 1-based number. */
static void serve(int c, int conn)
{
	char buf[8192];
	size_t have = 0;
	for (;;) {
		char *end = NULL;
		while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
			ssize_t r = read(c, buf + have, sizeof buf - have - 1);
			if (r <= 0)
				return;
			have += (size_t)r;
		}
		buf[have] = '\0';
		size_t hlen = (size_t)(end + 4 - buf), blen = 0;
		char *cl = strcasestr(buf, "Content-Length:");
		if (cl && cl < end)
			blen = strtoul(cl + 15, NULL, 10);
		while (have < hlen + blen) {
			ssize_t r = read(c, buf + have, sizeof buf - have - 1);
			if (r <= 0)
				return;
			have += (size_t)r;
		}
		buf[have] = '\0';
		const char *body = buf + hlen;
		char out[512];
		if (strncmp(buf, "GET /api/v1/users/1 ", 20) == 0) {
			snprintf(out, sizeof out, "{\"id\":1,\"userName\":\"conn%d\"}", conn);
			reply(c, 200, out);
		} else if (strncmp(buf, "GET /api/v1/users?", 18) == 0) {
			/* Echo the query back as the one name, to check the URL encoding. */
			char *sp = strchr(buf + 4, ' ');
			*sp = '\0';
			snprintf(out, sizeof out,
			         "{\"items\":[{\"id\":1,\"userName\":\"%.100s\"}],\"total\":1,"
			         "\"limit\":1,\"offset\":0}",
			         buf + 18);
			reply(c, 200, out);
		} else if (strncmp(buf, "POST /api/v1/users ", 19) == 0) {
			/* A spent form nonce, sent as the header a form's write carries. */
			char *spent = strstr(
			        buf, "\r\nForm-Nonce: ffffffffffffffffffffffffffffffff.99\r\n");
			if (spent && spent < buf + hlen)
				reply(c, 409,
				      "{\"type\":\"" FORM_SENT_PROBLEM
				      "\",\"title\":\"Form already "
				      "sent\",\"status\":409}");
			else if (strstr(body, "\"taken\""))
				reply(c, 409, "{\"title\":\"Conflict\",\"detail\":\"name taken\"}");
			else if (strstr(body, "\"bad\""))
				reply(c, 422,
				      "{\"title\":\"Invalid\",\"errors\":[{\"field\":"
				      "\"userName\",\"message\":\"not allowed\"}]}");
			else
				reply(c, 201, "{\"id\":9,\"userName\":\"Ann \\\"A\\\"\"}");
		} else if (strncmp(buf, "PATCH /api/v1/users/2 ", 22) == 0) {
			/* The JSON body as the client must send it; else a 400 fails the test. */
			if (strstr(body, "{\"userName\":\"Zoë\"}"))
				reply(c, 200, "{\"id\":2,\"userName\":\"Zoë\"}");
			else
				reply(c, 400, "{\"title\":\"unexpected body\"}");
		} else if (strncmp(buf, "DELETE /api/v1/users/1 ", 23) == 0) {
			if (write(c, "HTTP/1.1 204 No Content\r\n\r\n", 27) < 0)
				return;
		} else if (strncmp(buf, "GET /api/v1/users/503 ", 22) == 0) {
			reply(c, 503,
			      "{\"title\":\"Service Unavailable\",\"detail\":\"database down\"}");
		} else if (strncmp(buf, "GET /api/v1/users/500 ", 22) == 0) {
			reply(c, 500, "oops");
		} else if (strncmp(buf, "GET /api/v1/users/7 ", 20) == 0) {
			reply(c, 200, "{\"not\":\"a user\"}");
		} else {
			reply(c, 404, "{\"title\":\"Not Found\"}");
		}
		memmove(buf, buf + hlen + blen, have - hlen - blen);
		have -= hlen + blen;
	}
}

/* mode 0: canned server; 1: accepts and never answers. */
static int start_server(int mode)
{
	int port;
	int fd = listen_loopback(&port);
	server_pid = fork();
	ck_assert_int_ge(server_pid, 0);
	if (server_pid == 0) {
		alarm(20); /* never outlive the test */
		for (int conn = 1;; conn++) {
			int c = accept(fd, NULL, NULL);
			if (c < 0)
				_exit(0);
			if (mode == 0)
				serve(c, conn);
			else
				pause();
			close(c);
		}
	}
	close(fd);
	return port;
}

static void stop_server(void)
{
	api_client_close(&client);
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
		server_pid = -1;
	}
}

static void init_for(int port, long connect_ms, long total_ms)
{
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	ck_assert_int_eq(api_client_config(&client, url, connect_ms, total_ms), 0);
	ck_assert_int_eq(api_client_open(&client), 0);
}

START_TEST(calls_map_answers)
{
	init_for(start_server(0), 1000, 3000);
	struct api_error e;
	struct api_user u;
	ck_assert_int_eq(api_create_user(&client, "Ann", &u, &e), API_OK);
	ck_assert_int_eq(u.id, 9);
	ck_assert_str_eq(u.name, "Ann \"A\"");
	ck_assert_int_eq(api_create_user(&client, "taken", &u, &e), API_CONFLICT);
	ck_assert_str_eq(e.detail, "name taken");
	/* A form's nonce goes with the write (Form-Nonce), once. */
	api_client_spend_form(&client, "ffffffffffffffffffffffffffffffff", 99);
	ck_assert_int_eq(api_create_user(&client, "Ann", &u, &e), API_REPLAYED);
	ck_assert_int_eq(api_create_user(&client, "Ann", &u, &e), API_OK);
	ck_assert_int_eq(api_create_user(&client, "bad", &u, &e), API_INVALID);
	ck_assert_str_eq(e.field, "userName");
	ck_assert_str_eq(e.field_message, "not allowed");
	ck_assert_int_eq(api_rename_user(&client, 2, "Zoë", &u, &e), API_OK);
	ck_assert_str_eq(u.name, "Zoë");
	ck_assert_int_eq(api_delete_user(&client, 1, &e), API_OK);
	ck_assert_int_eq(api_delete_user(&client, 4, &e), API_NOT_FOUND);
	ck_assert_int_eq(api_get_user(&client, 4, &u, &e), API_NOT_FOUND);
	ck_assert_int_eq(api_get_user(&client, 503, &u, &e), API_UNAVAILABLE);
	ck_assert_str_eq(e.detail, "database down");
	ck_assert_int_eq(api_get_user(&client, 500, &u, &e), API_FAILED);
	ck_assert_int_eq(api_get_user(&client, 7, &u, &e), API_FAILED); /* 200 but not a user */
	struct api_user_page p;
	ck_assert_int_eq(api_list_users(&client,
	                                &(struct api_list_query){
	                                        .prefix = "a b&c=d", .limit = 20, .offset = 40 },
	                                &p, &e),
	                 API_OK);
	ck_assert_uint_eq(p.count, 1);
	ck_assert_str_eq(p.items[0].name, "limit=20&offset=40&q=a%20b%26c%3Dd");
	api_user_page_free(&p);
	ck_assert_int_eq(api_list_users(&client,
	                                &(struct api_list_query){ .prefix = "", .limit = 5 }, &p,
	                                &e),
	                 API_OK);
	ck_assert_str_eq(p.items[0].name, "limit=5&offset=0");
	api_user_page_free(&p);
	stop_server();
}
END_TEST

START_TEST(connection_is_reused)
{
	init_for(start_server(0), 1000, 3000);
	struct api_error e;
	struct api_user u;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(api_get_user(&client, 1, &u, &e), API_OK);
		ck_assert_str_eq(u.name, "conn1"); /* every call on the first connection */
	}
	stop_server();
}
END_TEST

START_TEST(refused_is_unavailable)
{
	int port;
	int fd = listen_loopback(&port);
	close(fd); /* nobody listens there now */
	init_for(port, 500, 1000);
	struct api_error e;
	struct api_user u;
	ck_assert_int_eq(api_get_user(&client, 1, &u, &e), API_UNAVAILABLE);
	ck_assert_int_eq(e.http_status, 0);
	ck_assert_str_ne(e.detail, "");
	api_client_close(&client);
}
END_TEST

START_TEST(silent_backend_times_out)
{
	init_for(start_server(1), 200, 500);
	struct api_error e;
	struct api_user_page p;
	/* The server never answers: only the client's own timeout can end this call (the
	 * test case's timeout would fail it otherwise). */
	ck_assert_int_eq(api_list_users(&client,
	                                &(struct api_list_query){ .prefix = "", .limit = 10 }, &p,
	                                &e),
	                 API_UNAVAILABLE);
	ck_assert_int_eq(e.http_status, 0);
	stop_server();
}
END_TEST

START_TEST(uninitialised_client_fails_cleanly)
{
	api_client_close(&client);
	struct api_error e;
	struct api_user u;
	ck_assert_int_eq(api_get_user(&client, 1, &u, &e), API_FAILED);
}
END_TEST

int main(void)
{
	/* The failures these tests provoke are logged as warnings: keep the output to
	 * the results. */
	log_init("test", LOG_TEXT, LOG_ERROR, NULL);
	api_global_init();
	const TTest *const parse_tests[] = { parse_page, parse_refuses_wrong_shapes,
		                             map_problem_json, NULL };
	const TTest *const transport_tests[] = { calls_map_answers,
		                                 connection_is_reused,
		                                 refused_is_unavailable,
		                                 silent_backend_times_out,
		                                 uninitialised_client_fails_cleanly,
		                                 NULL };
	Suite *s =
	        check_suite("frontend_api",
	                    (const struct check_case[]){ { .name = "parse", .tests = parse_tests },
	                                                 { .name = "transport",
	                                                   .tests = transport_tests,
	                                                   .timeout = 15,
	                                                   .setup = NULL,
	                                                   .teardown = stop_server },
	                                                 { 0 } });
	return check_run(s);
}
