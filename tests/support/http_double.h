/*
 * http_double: one HTTP request served from memory, with no FastCGI server and no
 * nginx — the test double of the unit tests (tests/unit/test_http.c,
 * test_frontend_pages.c) and of fuzz/fuzz_request.c. It builds the FastCGI parameters
 * nginx would send (REQUEST_METHOD, REQUEST_URI, QUERY_STRING, CONTENT_TYPE,
 * CONTENT_LENGTH, HTTP_COOKIE, REMOTE_ADDR), feeds the body through struct http_io and
 * keeps everything the service wrote.
 *
 *   struct http_double d = { 0 };
 *   int status = http_double_serve(&d, &app, &svc,
 *                                  &(struct http_double_request){ .method = "GET",
 *                                                                 .uri = "/x/42" });
 *   … d.out (the whole answer), d.body (after the header block) …
 *   http_double_free(&d);
 */
#ifndef TESTS_HTTP_DOUBLE_H
#define TESTS_HTTP_DOUBLE_H

#include <stddef.h>

#include "http.h"

struct http_double_request {
	const char *method, *uri; /* required */
	const char *content_type; /* NULL: none */
	const char *body;         /* NULL: none */
	size_t body_len;          /* 0: strlen(body) */
	const char *cookie;       /* the Cookie header; NULL: none */
	const char *params[4];    /* more "NAME=value" parameters (HTTPS=on…), NULL-ended */
};

struct http_double {
	/* What the service wrote: NUL-terminated; the status and the body found in it. */
	char *out;
	size_t len, cap;
	int status;       /* 0 when no well-formed "Status: N" line came first */
	const char *body; /* "" when there is no header block */
	/* The request body being read. */
	const char *in;
	size_t in_len, in_pos;
};

/* Serve req with app and svc; returns the answer's status (also in d->status). d's
 * previous answer is dropped. */
int http_double_serve(struct http_double *d, const struct http_app *app, void *svc,
                      const struct http_double_request *req);

/* The double's I/O, for tests that drive request_init and response.c themselves;
 * http_double_parse then fills status and body from what was written. */
struct http_io http_double_io(struct http_double *d);
void http_double_parse(struct http_double *d);
/* Forget what was written (keeps the buffer). */
void http_double_clear(struct http_double *d);
void http_double_free(struct http_double *d);

#endif
