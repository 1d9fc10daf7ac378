/*
 * Unit tests of the master's metrics listener (pool_metrics.c) as a scraper, an admin
 * with curl and an attacker would meet it: each test forks a server process that runs
 * the same poll loop as the pool master (100 ms heartbeat), talks HTTP to it over
 * loopback, and stops it. What a user notices: status codes, headers, bodies, and that
 * a ping is still answered while slow or hostile clients hold connections.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "pool_metrics.h"

static void render(void *ctx, FILE *out, int openmetrics)
{
	(void)ctx;
	pool_metrics_family(out, openmetrics, "up", "gauge", "Whether the pool answers.");
	pool_metrics_sample(out, "up", "gauge", "pool=\"test\"", 1);
	pool_metrics_family(out, openmetrics, "accepted_connections", "counter",
	                    "Requests accepted by the pool.");
	pool_metrics_sample(out, "accepted_connections", "counter", "pool=\"test\"", 42);
	if (openmetrics)
		fputs("# EOF\n", out);
}

static pid_t server;
static int port;

/* The master's loop, reduced to the metrics listener. */
static _Noreturn void serve(struct pool_metrics *m)
{
	for (;;) {
		struct pollfd fds[1 + POOL_METRICS_MAX_CONN];
		int n = pool_metrics_pollfds(m, fds, 1 + POOL_METRICS_MAX_CONN);
		if (poll(fds, (nfds_t)n, 100) < 0 && errno != EINTR)
			_exit(1);
		pool_metrics_service(m, fds, n);
	}
}

static void setup(void)
{
	struct pool_metrics *m = pool_metrics_open("127.0.0.1:0", render, NULL);
	ck_assert_ptr_nonnull(m);
	const char *a = pool_metrics_address(m);
	ck_assert_str_eq(strchr(a, ':') ? "127.0.0.1" : "", "127.0.0.1");
	port = atoi(strchr(a, ':') + 1);
	ck_assert_int_gt(port, 0);
	server = fork();
	ck_assert_int_ge(server, 0);
	if (server == 0)
		serve(m);
	pool_metrics_forget(m);
	free(m);
}

static void teardown(void)
{
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
}

static int connect_to_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
		                  .sin_port = htons((uint16_t)port),
		                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Sends raw bytes, reads the whole answer (until close) into buf. */
static size_t exchange_on(int fd, const char *raw, size_t len, char *buf, size_t cap)
{
	if (len)
		ck_assert_int_eq(send(fd, raw, len, MSG_NOSIGNAL), (ssize_t)len);
	size_t got = 0;
	ssize_t n;
	while (got + 1 < cap && (n = recv(fd, buf + got, cap - 1 - got, 0)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	return got;
}

static size_t exchange(const char *raw, char *buf, size_t cap)
{
	return exchange_on(connect_to_server(), raw, strlen(raw), buf, cap);
}

static int status_of(const char *answer)
{
	int st = 0;
	sscanf(answer, "HTTP/1.1 %d", &st);
	return st;
}

START_TEST(metrics_text_for_plain_clients)
{
	char buf[8192];
	exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 200);
	ck_assert_ptr_nonnull(strstr(buf, "Content-Type: text/plain; version=0.0.4"));
	ck_assert_ptr_nonnull(strstr(buf, "# TYPE fcgi_pool_accepted_connections_total counter\n"));
	ck_assert_ptr_nonnull(
	        strstr(buf, "fcgi_pool_accepted_connections_total{pool=\"test\"} 42\n"));
	ck_assert_ptr_null(strstr(buf, "# EOF"));
	ck_assert_ptr_nonnull(strstr(buf, "Cache-Control: no-store"));
}
END_TEST

START_TEST(metrics_openmetrics_when_asked)
{
	char buf[8192];
	exchange("GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;"
	         "version=1.0.0,text/plain;q=0.5\r\n\r\n",
	         buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 200);
	ck_assert_ptr_nonnull(
	        strstr(buf, "Content-Type: application/openmetrics-text; version=1.0.0"));
	ck_assert_ptr_nonnull(strstr(buf, "# TYPE fcgi_pool_accepted_connections counter\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\r\n\r\n"));
	size_t len = strlen(buf);
	ck_assert_str_eq(buf + len - 6, "# EOF\n");
	/* Content-Length is the body's. */
	long cl = strtol(strstr(buf, "Content-Length: ") + 16, NULL, 10);
	ck_assert_int_eq(cl, (long)strlen(strstr(buf, "\r\n\r\n") + 4));
}
END_TEST

START_TEST(ping_and_head)
{
	char buf[4096];
	exchange("GET /-/ping HTTP/1.0\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 200);
	ck_assert_str_eq(strstr(buf, "\r\n\r\n") + 4, "pong\n");
	exchange("HEAD /metrics HTTP/1.1\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 200);
	ck_assert_str_eq(strstr(buf, "\r\n\r\n") + 4, "");
	ck_assert_ptr_null(strstr(buf, "Content-Length: 0\r\n"));
}
END_TEST

START_TEST(refuses_everything_else)
{
	char buf[4096];
	exchange("POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 405);
	ck_assert_ptr_nonnull(strstr(buf, "Allow: GET, HEAD\r\n"));
	exchange("DELETE /-/ping HTTP/1.1\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 405);
	exchange("GET /metricsx HTTP/1.1\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 404);
	exchange("GET /-/status/backend HTTP/1.1\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 404);
	exchange("GET http://evil/metrics HTTP/1.1\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 400);
	exchange("hello there\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 400);
	exchange("GET /metrics HTTP/2.0\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 505);
	exchange("GET /metrics SPDY/3\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 400);
	exchange("\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 400);
	/* NUL bytes and binary garbage. */
	static const char bin[] = "GET /metrics\0 HTTP/1.1\r\n\r\n";
	exchange_on(connect_to_server(), bin, sizeof bin - 1, buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 400);
	char junk[600];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 37 + 11);
	junk[sizeof junk - 1] = '\n';
	junk[sizeof junk - 2] = '\n';
	exchange_on(connect_to_server(), junk, sizeof junk, buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 400);
}
END_TEST

START_TEST(long_head_gets_431)
{
	char req[6000], buf[4096];
	int n = snprintf(req, sizeof req, "GET /metrics HTTP/1.1\r\nX-Pad: ");
	memset(req + n, 'a', sizeof req - (size_t)n - 5);
	memcpy(req + sizeof req - 5, "\r\n\r\n", 5);
	exchange(req, buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 431);
}
END_TEST

static long ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

START_TEST(slowloris_does_not_block_a_scrape)
{
	/* More half-sent requests than there are slots, each dribbling a byte now and then. */
	int slow[3 * POOL_METRICS_MAX_CONN];
	for (size_t i = 0; i < sizeof slow / sizeof *slow; i++) {
		slow[i] = connect_to_server();
		ck_assert_int_eq(send(slow[i], "GET /metrics HTTP/1.1\r\nX-a: ", 28, MSG_NOSIGNAL),
		                 28);
	}
	usleep(300 * 1000);
	char buf[8192];
	long t0 = ms_now();
	exchange("GET /-/ping HTTP/1.1\r\n\r\n", buf, sizeof buf);
	long took = ms_now() - t0;
	ck_assert_int_eq(status_of(buf), 200);
	/* Generous: the answer comes on the next heartbeat, not after any client's deadline. */
	ck_assert_int_lt(took, POOL_METRICS_DEADLINE_MS);
	for (size_t i = 0; i < sizeof slow / sizeof *slow; i++)
		close(slow[i]);
}
END_TEST

START_TEST(slow_client_cut_at_deadline)
{
	int fd = connect_to_server();
	ck_assert_int_eq(send(fd, "GET /metrics HTTP/1.1\r\n", 23, MSG_NOSIGNAL), 23);
	char buf[4096];
	long t0 = ms_now();
	exchange_on(fd, "", 0, buf, sizeof buf); /* waits until the server closes */
	long took = ms_now() - t0;
	ck_assert_int_eq(status_of(buf), 408);
	ck_assert_int_ge(took, POOL_METRICS_DEADLINE_MS - 200);
	ck_assert_int_lt(took, POOL_METRICS_DEADLINE_MS + 1500);
	/* And the server still answers. */
	exchange("GET /-/ping HTTP/1.1\r\n\r\n", buf, sizeof buf);
	ck_assert_int_eq(status_of(buf), 200);
}
END_TEST

START_TEST(listen_forms)
{
	char why[128];
	ck_assert_int_eq(pool_metrics_check_listen("127.0.0.1:9100", why, sizeof why), 0);
	ck_assert_int_eq(pool_metrics_check_listen("[::1]:9100", why, sizeof why), 0);
	ck_assert_int_eq(pool_metrics_check_listen("*:9100", why, sizeof why), 0);
	ck_assert_int_eq(pool_metrics_check_listen(":9100", why, sizeof why), 0);
	ck_assert_int_eq(pool_metrics_check_listen("localhost:9100", why, sizeof why), 0);
	ck_assert_int_eq(pool_metrics_check_listen("9100", why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "'9100' is not host:port"));
	ck_assert_int_eq(pool_metrics_check_listen("::1:9100", why, sizeof why), -1);
	ck_assert_int_eq(pool_metrics_check_listen("127.0.0.1:99999", why, sizeof why), -1);
	ck_assert_int_eq(pool_metrics_check_listen("127.0.0.1:", why, sizeof why), -1);
	ck_assert_int_eq(pool_metrics_check_listen("127.0.0.1:9x", why, sizeof why), -1);
	ck_assert_int_eq(pool_metrics_check_listen("[::1]9100", why, sizeof why), -1);
}
END_TEST

START_TEST(busy_port_is_an_error)
{
	/* The fixture's server holds its port: a second listener there must fail. */
	char addr[32];
	snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
	ck_assert_ptr_null(pool_metrics_open(addr, render, NULL));
}
END_TEST

static Suite *suite(void)
{
	const TTest *const http_tests[] = { metrics_text_for_plain_clients,
		                            metrics_openmetrics_when_asked,
		                            ping_and_head,
		                            refuses_everything_else,
		                            long_head_gets_431,
		                            slowloris_does_not_block_a_scrape,
		                            slow_client_cut_at_deadline,
		                            busy_port_is_an_error,
		                            NULL };
	const TTest *const settings_tests[] = { listen_forms, NULL };
	Suite *s = check_suite(
	        "pool_metrics",
	        (const struct check_case[]){ { .name = "http",
	                                       .tests = http_tests,
	                                       .timeout = 20,
	                                       .setup = setup,
	                                       .teardown = teardown },
	                                     { .name = "settings", .tests = settings_tests },
	                                     { 0 } });
	return s;
}

int main(void)
{
	return check_run(suite());
}
