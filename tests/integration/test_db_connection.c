/*
 * The ssl-mode settings of DATABASE_URI against real servers: the test stack's MariaDB
 * speaks TLS on 127.0.0.1:DB_TCP_PORT with a CA of its own (TLS_CA), and a fake MySQL
 * server in this process offers no TLS at all. REQUIRED must get TLS or no connection;
 * VERIFY_IDENTITY must refuse a certificate its CA did not sign. And a server that
 * never answers must not hang the backend (DB_CONNECT_TIMEOUT / DB_READ_TIMEOUT).
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_run.h"
#include "harness.h"

/* Run `fcgi-backend migrate` against uri (password from the stack); returns the exit
 * status and the output. */
static int migrate_with(const char *uri, char **out)
{
	char u[512], pw[256];
	snprintf(u, sizeof u, "DATABASE_URI=%s", uri);
	snprintf(pw, sizeof pw, "DATABASE_PASSWORD=%s", h_env("DB_PASS"));
	char dir[] = "MIGRATIONS_DIR=sql";
	const char *env[] = { u, pw, dir, NULL };
	const char *args[] = { "migrate", NULL };
	return h_backend(env, args, out);
}

static void tcp_uri(char *buf, size_t len, const char *host, const char *query)
{
	snprintf(buf, len, "mysql://%s@%s:%s/users%s", h_env("DB_USER"), host, h_env("DB_TCP_PORT"),
	         query);
}

START_TEST(required_uses_tls)
{
	char uri[512], *out = NULL;
	tcp_uri(uri, sizeof uri, "127.0.0.1", "?ssl-mode=REQUIRED");
	int rc = migrate_with(uri, &out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "connected (TLS "), "%s", out);
	free(out);
	/* DISABLED: plain */
	tcp_uri(uri, sizeof uri, "127.0.0.1", "?ssl-mode=DISABLED");
	rc = migrate_with(uri, &out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "connected (no TLS)"), "%s", out);
	free(out);
}
END_TEST

START_TEST(verify_identity_with_the_ca)
{
	char q[512], uri[700], *out = NULL;
	snprintf(q, sizeof q, "?ssl-mode=VERIFY_IDENTITY&ssl-ca=%s", h_env("TLS_CA"));
	tcp_uri(uri, sizeof uri, "127.0.0.1", q);
	int rc = migrate_with(uri, &out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "connected (TLS "), "%s", out);
	free(out);
}
END_TEST

START_TEST(verify_identity_refuses_another_ca)
{
	/* The system's CAs did not sign the stack's certificate. */
	char uri[700], *out = NULL;
	tcp_uri(uri, sizeof uri, "127.0.0.1",
	        "?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/ca-certificates.crt");
	int rc = migrate_with(uri, &out);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "cannot connect"), "%s", out);
	free(out);
	tcp_uri(uri, sizeof uri, "127.0.0.1",
	        "?ssl-mode=VERIFY_CA&ssl-ca=/etc/ssl/certs/ca-certificates.crt");
	rc = migrate_with(uri, &out);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	free(out);
}
END_TEST

/* A MySQL server that offers no TLS: a v10 handshake without CLIENT_SSL, then "OK" to
 * whatever the client sends, until it hangs up. One connection. */
static void put_packet(int fd, unsigned char seq, const unsigned char *p, size_t n)
{
	unsigned char h[4] = { (unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
		               seq };
	if (write(fd, h, 4) != 4 || write(fd, p, n) != (ssize_t)n)
		_exit(1);
}

static int get_packet(int fd, unsigned char *seq)
{
	unsigned char h[4];
	if (recv(fd, h, 4, MSG_WAITALL) != 4)
		return -1;
	size_t n = h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
	*seq = h[3];
	unsigned char buf[4096];
	while (n > 0) {
		ssize_t k = recv(fd, buf, n < sizeof buf ? n : sizeof buf, 0);
		if (k <= 0)
			return -1;
		n -= (size_t)k;
	}
	return 0;
}

static _Noreturn void fake_server(int lfd)
{
	/* Default signal actions (not the test runner's), and a bound on its life. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	alarm(10);
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(1);
	unsigned char hs[128];
	size_t n = 0;
	hs[n++] = 10;
	static const char ver[] = "5.5.5-10.11.0-fake";
	memcpy(hs + n, ver, sizeof ver);
	n += sizeof ver;
	memcpy(hs + n, "\x01\x00\x00\x00", 4); /* thread id */
	n += 4;
	memcpy(hs + n, "abcdefgh", 8); /* scramble part 1 */
	n += 8;
	hs[n++] = 0;
	/* LONG_PASSWORD FOUND_ROWS LONG_FLAG CONNECT_WITH_DB PROTOCOL_41 TRANSACTIONS
	 * SECURE_CONNECTION | MULTI_RESULTS PLUGIN_AUTH; no SSL */
	hs[n++] = 0x0F;
	hs[n++] = 0xA2;
	hs[n++] = 45; /* utf8mb4 */
	hs[n++] = 0x02;
	hs[n++] = 0x00;
	hs[n++] = 0x0A;
	hs[n++] = 0x00;
	hs[n++] = 21;
	memset(hs + n, 0, 10);
	n += 10;
	memcpy(hs + n, "ijklmnopqrst", 13); /* scramble part 2 + NUL */
	n += 13;
	static const char plugin[] = "mysql_native_password";
	memcpy(hs + n, plugin, sizeof plugin);
	n += sizeof plugin;
	put_packet(fd, 0, hs, n);
	static const unsigned char ok[] = { 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00 };
	unsigned char seq;
	while (get_packet(fd, &seq) == 0)
		put_packet(fd, (unsigned char)(seq + 1), ok, sizeof ok);
	close(fd);
	_exit(0);
}

START_TEST(required_refuses_a_server_without_tls)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	socklen_t al = sizeof a;
	getsockname(lfd, (struct sockaddr *)&a, &al);
	pid_t pid = fork();
	if (pid == 0)
		fake_server(lfd); /* no Check calls in the child: they would report for it */
	ck_assert_int_ge(pid, 0);
	close(lfd);
	char uri[256], *out = NULL;
	snprintf(uri, sizeof uri, "mysql://u:p@127.0.0.1:%d/users?ssl-mode=REQUIRED",
	         ntohs(a.sin_port));
	int rc = migrate_with(uri, &out);
	/* The server ends when the client hangs up (or after 10 s, see fake_server). */
	int status = 0;
	waitpid(pid, &status, 0);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "TLS is required"), "%s", out);
	free(out);
}
END_TEST

/* A server that accepts the connection and never says anything: the connect and read
 * timeouts end the wait (the test's own timeout would catch a hang). */
START_TEST(silent_server_times_out)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(lfd, 1), 0); /* the kernel completes the handshake; no one reads */
	socklen_t al = sizeof a;
	getsockname(lfd, (struct sockaddr *)&a, &al);
	char u[256];
	snprintf(u, sizeof u, "DATABASE_URI=mysql://u:p@127.0.0.1:%d/users", ntohs(a.sin_port));
	char dir[] = "MIGRATIONS_DIR=sql";
	const char *env[] = { u, dir, "DB_CONNECT_TIMEOUT=1", "DB_READ_TIMEOUT=1", NULL };
	const char *args[] = { "migrate", NULL };
	char *out = NULL;
	int rc = h_backend(env, args, &out);
	close(lfd);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "cannot connect"), "%s", out);
	free(out);
}
END_TEST

int main(void)
{
	const TTest *const tls_tests[] = { required_uses_tls,
		                           verify_identity_with_the_ca,
		                           verify_identity_refuses_another_ca,
		                           required_refuses_a_server_without_tls,
		                           silent_server_times_out,
		                           NULL };
	Suite *s =
	        check_suite("db-connection",
	                    (const struct check_case[]){
	                            { .name = "tls", .tests = tls_tests, .timeout = 60 }, { 0 } });
	return check_run(s);
}
