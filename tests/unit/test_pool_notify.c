/*
 * Unit tests of pool_notify: what systemd receives on NOTIFY_SOCKET (a unix datagram
 * socket the test binds, as systemd does): READY=1 with the worker counts, STATUS only
 * when they change, RELOADING and STOPPING; and nothing at all, without error, when
 * NOTIFY_SOCKET is unset.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check_run.h"
#include "pool_notify.h"

static int sock = -1;
static char path[108];

static void setup(void)
{
	snprintf(path, sizeof path, "/tmp/notify-test.%d", (int)getpid());
	unlink(path);
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	ck_assert_int_eq(bind(sock, (struct sockaddr *)&sa, sizeof sa), 0);
	struct timeval tv = { 0, 200 * 1000 };
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setenv("NOTIFY_SOCKET", path, 1);
}

static void teardown(void)
{
	close(sock);
	unlink(path);
	unsetenv("NOTIFY_SOCKET");
}

/* The next datagram, or "" when none came within 200 ms. */
static const char *next(void)
{
	static char buf[512];
	ssize_t n = recv(sock, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

START_TEST(ready_with_counts)
{
	ck_assert_int_gt(pool_notify_ready(3, 1, 4), 0);
	ck_assert_str_eq(next(), "READY=1\nSTATUS=Ready: 3 idle, 1 active of 4 workers");
	ck_assert_str_eq(getenv("NOTIFY_SOCKET"), path); /* kept for a re-exec */
}
END_TEST

START_TEST(status_only_when_changed)
{
	pool_notify_ready(4, 0, 4);
	next();
	ck_assert_int_eq(pool_notify_status(4, 0, 4), 0); /* same counts: nothing sent */
	ck_assert_str_eq(next(), "");
	sleep(1); /* at most one a second */
	ck_assert_int_gt(pool_notify_status(2, 2, 4), 0);
	ck_assert_str_eq(next(), "STATUS=Serving: 2 idle, 2 active of 4 workers");
}
END_TEST

START_TEST(reload_and_stop)
{
	ck_assert_int_gt(pool_notify_reloading(), 0);
	ck_assert_ptr_nonnull(strstr(next(), "RELOADING=1\n"));
	ck_assert_int_gt(pool_notify_stopping(), 0);
	ck_assert_ptr_nonnull(strstr(next(), "STOPPING=1\n"));
}
END_TEST

START_TEST(nothing_without_notify_socket)
{
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(pool_notify_ready(1, 0, 1), 0);
	ck_assert_int_eq(pool_notify_stopping(), 0);
	ck_assert_str_eq(next(), "");
}
END_TEST

int main(void)
{
	const TTest *const sd_notify_tests[] = { ready_with_counts, status_only_when_changed,
		                                 reload_and_stop, nothing_without_notify_socket,
		                                 NULL };
	return check_run(
	        check_suite("pool_notify", (const struct check_case[]){ { .name = "sd_notify",
	                                                                  .tests = sd_notify_tests,
	                                                                  .setup = setup,
	                                                                  .teardown = teardown },
	                                                                { 0 } }));
}
