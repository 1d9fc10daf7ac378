/*
 * backend_double: a canned HTTP/1.1 backend on a loopback port, forked by a unit test,
 * for code that talks to the backend API (the frontend's pages). Each answer is a row
 * of a table — the request line's start ("POST /api/v1/sessions "), the status, extra
 * header lines and the body — and every request it receives is appended to a log
 * file (request line and headers, then a blank line), so a test can check what was
 * sent (an Authorization header) or that nothing was.
 *
 *   static const struct backend_double_answer answers[] = {
 *           { "POST /api/v1/sessions ", 201, NULL, "{\"token\":…}" },
 *           { 0 },
 *   };
 *   struct backend_double b;
 *   backend_double_start(&b, answers);   … b.url, backend_double_log(&b) …
 *   backend_double_stop(&b);
 *
 * Unmatched requests get 404. The child stops with the test (SIGKILL, and an alarm
 * in case the test dies first).
 */
#ifndef TESTS_BACKEND_DOUBLE_H
#define TESTS_BACKEND_DOUBLE_H

#include <sys/types.h>

struct backend_double_answer {
	const char *request; /* prefix of "METHOD /path?query " */
	int status;
	const char *headers; /* extra "Name: value\r\n" lines, or NULL */
	const char *body;
};

struct backend_double {
	pid_t pid;
	char url[64];      /* http://127.0.0.1:PORT */
	char log_path[64]; /* what it received */
	char *log;         /* backend_double_log's last read */
};

/* Fork the server; answers must stay valid (a static table). 0, or -1. */
int backend_double_start(struct backend_double *b, const struct backend_double_answer *answers);
/* Everything received so far, "" when nothing (valid until the next call). */
const char *backend_double_log(struct backend_double *b);
void backend_double_stop(struct backend_double *b);

#endif
