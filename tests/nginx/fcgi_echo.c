/*
 * fcgi_echo: a tiny prefork libfcgi responder for the nginx tests and the keep-alive
 * measurements, usable before (or without) the real pools. It behaves like the pools
 * where nginx can tell: N worker processes accept on one socket, each serves one
 * connection at a time, and a kept-alive connection (FCGI_KEEP_CONN) holds its
 * worker until nginx closes it. Each answer is a small JSON naming the pool and the
 * request, so a test can tell which pool a route reached (and, for single sign-on,
 * which editor nginx passed in SSO_USER).
 *
 * usage: fcgi_echo NAME unix:/path.sock|host:port WORKERS [WORK_US]
 *   WORK_US: microseconds of simulated work per request (default 0)
 * The query string may ask for "html" (text/html instead of JSON) and "pad=N" (N
 * more bytes of body, up to 65536), to test gzip and buffering.
 * Stops (with its workers) on SIGTERM/SIGINT.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static const char *param(FCGX_Request *req, const char *name)
{
	const char *v = FCGX_GetParam(name, req->envp);
	return v ? v : "";
}

/* Writes s as a JSON string body (without quotes): enough for paths and methods. */
static void put_json(FCGX_Stream *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			FCGX_FPrintF(out, "\\%c", c);
		else if (c < 0x20)
			FCGX_FPrintF(out, "\\u%04x", c);
		else
			FCGX_PutChar(c, out);
	}
}

static void serve(FCGX_Request *req, const char *name, long work_us)
{
	/* Drain the body so nginx's request is complete; count its bytes. */
	char buf[4096];
	long body = 0;
	int n;
	while ((n = FCGX_GetStr(buf, sizeof buf, req->in)) > 0)
		body += n;
	if (work_us > 0) {
		struct timespec ts = { work_us / 1000000, (work_us % 1000000) * 1000 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	const char *query = param(req, "QUERY_STRING");
	const char *pad_at = strstr(query, "pad=");
	long pad = pad_at ? strtol(pad_at + 4, NULL, 10) : 0;
	if (pad < 0 || pad > 65536)
		pad = 0;
	FCGX_Stream *out = req->out;
	FCGX_FPrintF(out, "Status: 200 OK\r\nContent-Type: %s\r\nX-Pool: %s\r\n\r\n",
	             strstr(query, "html") ? "text/html" : "application/json", name);
	FCGX_FPrintF(out, "{\"pool\":\"%s\",\"pid\":%ld,\"method\":\"", name, (long)getpid());
	put_json(out, param(req, "REQUEST_METHOD"));
	FCGX_FPrintF(out, "\",\"document_uri\":\"");
	put_json(out, param(req, "DOCUMENT_URI"));
	FCGX_FPrintF(out, "\",\"request_uri\":\"");
	put_json(out, param(req, "REQUEST_URI"));
	FCGX_FPrintF(out, "\",\"remote_addr\":\"");
	put_json(out, param(req, "REMOTE_ADDR"));
	FCGX_FPrintF(out, "\",\"request_id\":\"");
	put_json(out, param(req, "REQUEST_ID"));
	FCGX_FPrintF(out, "\",\"http_x_request_id\":\"");
	put_json(out, param(req, "HTTP_X_REQUEST_ID"));
	/* Set only by nginx's single sign-on locations (render.sh --sso-url). */
	FCGX_FPrintF(out, "\",\"sso_user\":\"");
	put_json(out, param(req, "SSO_USER"));
	FCGX_FPrintF(out, "\",\"http_sso_user\":\"");
	put_json(out, param(req, "HTTP_SSO_USER"));
	FCGX_FPrintF(out, "\",\"body_bytes\":%ld,\"pad\":\"", body);
	for (long i = 0; i < pad; i++)
		FCGX_PutChar('x', out);
	FCGX_FPrintF(out, "\"}\n");
}

static _Noreturn void worker(int fd, const char *name, long work_us)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	FCGX_Request req;
	if (FCGX_InitRequest(&req, fd, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) >= 0) {
		serve(&req, name, work_us);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s NAME unix:/path.sock|host:port WORKERS [WORK_US]\n",
		        argv[0]);
		return 2;
	}
	const char *name = argv[1], *listen = argv[2];
	char *end;
	long workers = strtol(argv[3], &end, 10);
	if (*end || workers < 1 || workers > 256) {
		fprintf(stderr, "fcgi_echo: WORKERS must be 1..256, got '%s'\n", argv[3]);
		return 2;
	}
	long work_us = 0;
	if (argc == 5) {
		work_us = strtol(argv[4], &end, 10);
		if (*end || work_us < 0 || work_us > 10000000) {
			fprintf(stderr, "fcgi_echo: WORK_US must be 0..10000000, got '%s'\n",
			        argv[4]);
			return 2;
		}
	}
	if (FCGX_Init() != 0)
		return 1;
	const char *path = strncmp(listen, "unix:", 5) == 0 ? listen + 5 : listen;
	if (path != listen)
		unlink(path);
	int fd = FCGX_OpenSocket(path, 511);
	if (fd < 0) {
		fprintf(stderr, "fcgi_echo: cannot listen on %s\n", listen);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pid_t pids[256];
	long started = 0;
	for (long i = 0; i < workers; i++) {
		pid_t pid = fork();
		if (pid == 0)
			worker(fd, name, work_us);
		if (pid < 0) {
			perror("fcgi_echo: fork");
			stopping = 1;
			break;
		}
		pids[started++] = pid;
	}
	while (!stopping)
		pause();
	/* Only our own workers: the caller's process group is none of our business. */
	for (long i = 0; i < started; i++)
		kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	if (path != listen)
		unlink(path);
	return 0;
}
