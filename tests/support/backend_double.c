/*
 * backend_double: see backend_double.h. One connection at a time, keep-alive honoured
 * (the frontend reuses its connection), Content-Length bodies only: what the
 * frontend's libcurl client sends.
 */
#include "backend_double.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void answer(int c, const struct backend_double_answer *a)
{
	char head[1024];
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%sContent-Length: "
	                 "%zu\r\n\r\n",
	                 a->status, a->headers ? a->headers : "", a->body ? strlen(a->body) : 0);
	if (write(c, head, (size_t)n) < 0 || (a->body && write(c, a->body, strlen(a->body)) < 0))
		_exit(1);
}

static void serve(int c, const struct backend_double_answer *answers, FILE *log)
{
	static const struct backend_double_answer not_found = { "", 404, NULL,
		                                                "{\"title\":\"Not Found\"}" };
	char buf[16384];
	size_t have = 0;
	for (;;) {
		char *end;
		while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
			ssize_t r = read(c, buf + have, sizeof buf - have - 1);
			if (r <= 0)
				return;
			have += (size_t)r;
		}
		size_t hlen = (size_t)(end + 4 - buf), blen = 0;
		buf[have] = '\0';
		char *cl = strcasestr(buf, "Content-Length:");
		if (cl && cl < end)
			blen = strtoul(cl + 15, NULL, 10);
		while (have < hlen + blen && have < sizeof buf - 1) {
			ssize_t r = read(c, buf + have, sizeof buf - have - 1);
			if (r <= 0)
				return;
			have += (size_t)r;
		}
		fwrite(buf, 1, hlen, log);
		fflush(log);
		const struct backend_double_answer *a = &not_found;
		for (const struct backend_double_answer *x = answers; x->request; x++)
			if (strncmp(buf, x->request, strlen(x->request)) == 0) {
				a = x;
				break;
			}
		answer(c, a);
		memmove(buf, buf + hlen + blen, have - hlen - blen);
		have -= hlen + blen;
	}
}

int backend_double_start(struct backend_double *b, const struct backend_double_answer *answers)
{
	memset(b, 0, sizeof *b);
	snprintf(b->log_path, sizeof b->log_path, "/tmp/backend_double_XXXXXX");
	int lfd = mkstemp(b->log_path);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	if (lfd < 0 || fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(fd, 8) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	snprintf(b->url, sizeof b->url, "http://127.0.0.1:%d", ntohs(a.sin_port));
	b->pid = fork();
	if (b->pid < 0)
		return -1;
	if (b->pid == 0) {
		alarm(30); /* never outlive the test */
		FILE *log = fdopen(lfd, "a");
		for (;;) {
			int c = accept(fd, NULL, NULL);
			if (c < 0)
				_exit(0);
			serve(c, answers, log);
			close(c);
		}
	}
	close(lfd);
	close(fd);
	return 0;
}

const char *backend_double_log(struct backend_double *b)
{
	free(b->log);
	b->log = NULL;
	FILE *f = fopen(b->log_path, "r");
	size_t cap = 0;
	if (f) {
		ssize_t n = getdelim(&b->log, &cap, '\0', f);
		fclose(f);
		if (n < 0) {
			free(b->log);
			b->log = NULL;
		}
	}
	return b->log ? b->log : "";
}

void backend_double_stop(struct backend_double *b)
{
	if (b->pid > 0) {
		kill(b->pid, SIGKILL);
		waitpid(b->pid, NULL, 0);
	}
	b->pid = 0;
	unlink(b->log_path);
	free(b->log);
	b->log = NULL;
}
