/*
 * Unit tests for fcgi-backend/secret_input: the first line of a file or a pipe, with
 * "\n" or "\r\n" taken off; nothing, a NUL byte or a line too long refused (never cut);
 * a missing file named; on a terminal (a pseudo-terminal the test opens) nothing typed
 * is echoed and the terminal's settings are restored.
 */
#include <check.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "check_run.h"
#include "secret_input.h"

/* A stream reading the n bytes of s. */
static FILE *stream_of(const char *s, size_t n)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(s, 1, n, f), n);
	rewind(f);
	return f;
}

static long read_from(const char *s, size_t n, char *out, size_t cap, char *why)
{
	FILE *f = stream_of(s, n);
	long rc = secret_read_stream(f, NULL, out, cap, why, 128);
	fclose(f);
	return rc;
}

START_TEST(first_line_without_newline)
{
	char out[64], why[128];
	ck_assert_int_eq(read_from("hunter2 hunter2\nsecond line\n", 28, out, sizeof out, why), 15);
	ck_assert_str_eq(out, "hunter2 hunter2");
	ck_assert_int_eq(read_from("windows\r\n", 9, out, sizeof out, why), 7);
	ck_assert_str_eq(out, "windows");
	ck_assert_int_eq(read_from("no newline", 10, out, sizeof out, why), 10);
	ck_assert_str_eq(out, "no newline");
	/* Spaces are part of a password. */
	ck_assert_int_eq(read_from("  padded  \n", 11, out, sizeof out, why), 10);
	ck_assert_str_eq(out, "  padded  ");
	ck_assert_int_eq(read_from("\n", 1, out, sizeof out, why), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(bad_input_refused)
{
	char out[8], why[128];
	ck_assert_int_eq(read_from("", 0, out, sizeof out, why), -1);
	ck_assert_msg(strstr(why, "no password") != NULL, "%s", why);
	ck_assert_int_eq(read_from("ab\0cd\n", 6, out, sizeof out, why), -1);
	ck_assert_msg(strstr(why, "NUL") != NULL, "%s", why);
	/* 7 bytes fit in 8; 8 do not, and are refused rather than cut. */
	ck_assert_int_eq(read_from("1234567\n", 8, out, sizeof out, why), 7);
	ck_assert_int_eq(read_from("12345678\n", 9, out, sizeof out, why), -1);
	ck_assert_msg(strstr(why, "longer than 7") != NULL, "%s", why);
}
END_TEST

START_TEST(from_a_file)
{
	char path[] = "/tmp/test_secret_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "from the file\n", 14), 14);
	close(fd);
	char out[64], why[128];
	ck_assert_int_eq(secret_read_file(path, NULL, out, sizeof out, why, sizeof why), 13);
	ck_assert_str_eq(out, "from the file");
	unlink(path);
	ck_assert_int_eq(secret_read_file(path, NULL, out, sizeof out, why, sizeof why), -1);
	ck_assert_msg(strstr(why, path) != NULL && strstr(why, "No such file") != NULL, "%s", why);
}
END_TEST

START_TEST(terminal_echo_off_and_restored)
{
	int master, slave;
	ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
	struct termios before;
	ck_assert_int_eq(tcgetattr(slave, &before), 0);
	ck_assert(before.c_lflag & ECHO);
	/* The person types once the prompt has turned echo off (input typed before is
	 * flushed, as getpass(3) does): a child watches the terminal's flags. */
	pid_t typist = fork();
	ck_assert_int_ge(typist, 0);
	if (typist == 0) {
		struct termios now;
		while (tcgetattr(master, &now) == 0 && (now.c_lflag & ECHO))
			usleep(1000);
		_exit(write(master, "typed secret\n", 13) == 13 ? 0 : 1);
	}
	FILE *in = fdopen(slave, "r");
	ck_assert_ptr_nonnull(in);
	char out[64], why[128];
	long n = secret_read_stream(in, "", out, sizeof out, why, sizeof why);
	ck_assert_int_eq(n, 12);
	ck_assert_str_eq(out, "typed secret");
	int status = 0;
	ck_assert_int_eq(waitpid(typist, &status, 0), typist);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	struct termios after;
	ck_assert_int_eq(tcgetattr(slave, &after), 0);
	ck_assert(after.c_lflag & ECHO);
	ck_assert_int_eq(after.c_lflag, before.c_lflag);
	/* The terminal shows at most the newline (ECHONL), never the secret. */
	char shown[256] = "";
	ssize_t k = 0;
	fd_set fds;
	FD_ZERO(&fds);
	FD_SET(master, &fds);
	struct timeval tv = { 0, 200000 };
	if (select(master + 1, &fds, NULL, NULL, &tv) > 0)
		k = read(master, shown, sizeof shown - 1);
	shown[k > 0 ? k : 0] = '\0';
	ck_assert_msg(strstr(shown, "secret") == NULL, "echoed: %s", shown);
	fclose(in);
	close(master);
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { first_line_without_newline, bad_input_refused,
		                            from_a_file, terminal_echo_off_and_restored, NULL };
	Suite *s = check_suite(
	        "backend_secret_input",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
