/*
 * secret_input: see secret_input.h. termios turns echo off on a terminal (restored on
 * every path out); getline reads the line, so its length is known even with bytes a C
 * string cannot hold, and the buffer it used is wiped before it is freed.
 */
#include "secret_input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

long secret_read_stream(FILE *in, const char *prompt, char *out, size_t cap, char *why,
                        size_t whylen)
{
	int fd = fileno(in);
	struct termios saved, quiet;
	int tty = fd >= 0 && isatty(fd) && tcgetattr(fd, &saved) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt ? prompt : "Password: ");
		fflush(stderr);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	char *line = NULL;
	size_t linecap = 0;
	errno = 0;
	ssize_t n = getline(&line, &linecap, in);
	if (tty)
		tcsetattr(fd, TCSAFLUSH, &saved);
	long rc = -1;
	if (n < 0) {
		snprintf(why, whylen, "%s",
		         errno ? strerror(errno) : "no password given (empty input)");
		goto out;
	}
	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (memchr(line, '\0', (size_t)n)) {
		snprintf(why, whylen, "the password contains a NUL byte");
		goto out;
	}
	if ((size_t)n >= cap) {
		snprintf(why, whylen, "the password is longer than %zu bytes", cap - 1);
		goto out;
	}
	memcpy(out, line, (size_t)n);
	out[n] = '\0';
	rc = n;
out:
	if (line) {
		explicit_bzero(line, linecap);
		free(line);
	}
	return rc;
}

long secret_read_file(const char *path, const char *prompt, char *out, size_t cap, char *why,
                      size_t whylen)
{
	if (!path || strcmp(path, "-") == 0)
		return secret_read_stream(stdin, prompt, out, cap, why, whylen);
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	long rc = secret_read_stream(f, prompt, out, cap, why, whylen);
	fclose(f);
	return rc;
}
