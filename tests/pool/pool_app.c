/*
 * pool_app: a tiny application run under the pool, for the pool's integration
 * tests. Routes: /hello (answers its pid and how many requests this worker served),
 * /sleep?ms=N, /crash (abort()), /hang (never answers), /log (writes a log line). With FAIL_INIT=1
 * every worker's worker_init fails, to exercise the back-off.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool.h"

static long served;

static int init(void *svc)
{
	(void)svc;
	const char *f = getenv("FAIL_INIT");
	return f && *f == '1' ? -1 : 0;
}

static void reply(FCGX_Request *req, int status, const char *body)
{
	FCGX_FPrintF(req->out, "Status: %d\r\nContent-Type: text/plain\r\n\r\n%s", status, body);
}

static void handle(FCGX_Request *req, const struct pool_app *app)
{
	(void)app;
	served++;
	const char *uri = FCGX_GetParam("DOCUMENT_URI", req->envp);
	const char *q = FCGX_GetParam("QUERY_STRING", req->envp);
	char body[128];
	if (!uri)
		uri = "";
	if (strcmp(uri, "/hello") == 0) {
		snprintf(body, sizeof body, "hello pid=%d n=%ld\n", (int)getpid(), served);
		reply(req, 200, body);
	} else if (strcmp(uri, "/sleep") == 0) {
		long ms = q && strncmp(q, "ms=", 3) == 0 ? atol(q + 3) : 100;
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) != 0)
			;
		snprintf(body, sizeof body, "slept pid=%d ms=%ld\n", (int)getpid(), ms);
		reply(req, 200, body);
	} else if (strcmp(uri, "/log") == 0) {
		log_kv(LOG_INFO, "app log line", NULL);
		reply(req, 200, "logged\n");
	} else if (strcmp(uri, "/crash") == 0) {
		abort();
	} else if (strcmp(uri, "/hang") == 0) {
		for (;;)
			pause();
	} else {
		reply(req, 404, "not found\n");
	}
}

int main(int argc, char **argv)
{
	struct pool_config pool = { 0 };
	struct log_config log = { 0 };
	const struct settings_block blocks[] = {
		{ pool_settings, &pool },
		{ log_settings, &log },
		{ 0 },
	};
	settings_load(blocks, argc, argv);
	log_start("testpool", &log);
	const struct pool_app app = { .name = "testpool", .worker_init = init, .handle = handle };
	return pool_run(&app, &pool);
}
