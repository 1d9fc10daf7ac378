/*
 * fuzz_request: whole requests through the shared dispatcher (parse → route → body →
 * validate → handle → respond) with a route table shaped like the services' own:
 * path ids, query limits, a JSON body with a user name, a form body. Input layout:
 * "METHOD\nURI\nCONTENT-TYPE\nBODY". Properties: exactly one well-formed response
 * whose status is one the contract allows; a handler only ever sees inputs that passed
 * their validators.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const struct request *r, size_t i)
{
	if (r->in[i].present && user_name_problem(r->in[i].str, r->in[i].len))
		abort(); /* a handler saw an invalid user name */
}

static void h_show(struct request *r, void *ctx)
{
	(void)ctx;
	if (r->in[0].num < 1)
		abort();
	resp_send(r, 200, "text/plain", "ok", 2);
}

static void h_list(struct request *r, void *ctx)
{
	(void)ctx;
	if (r->in[0].num < 1 || r->in[0].num > 100 || r->in[1].num < 0)
		abort();
	resp_send(r, 200, "text/plain", "ok", 2);
}

static void h_create(struct request *r, void *ctx)
{
	(void)ctx;
	check_name(r, 0);
	resp_send(r, 201, "text/plain", "ok", 2);
}

static void h_form(struct request *r, void *ctx)
{
	(void)ctx;
	if (r->nerrors == 0)
		check_name(r, 0);
	resp_redirect(r, 303, "/");
}

static const struct input_def in_id[] = {
	{ "id", IN_PATH, INPUT_REQUIRED, valid_int, 1, 2147483647, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
static const struct input_def in_list[] = {
	{ "limit", IN_QUERY, 0, valid_int, 1, 100, "50" },
	{ "offset", IN_QUERY, 0, valid_int, 0, 1000000000, "0" },
	{ "q", IN_QUERY, 0, valid_text, 0, 30, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
static const struct input_def in_json[] = {
	{ "userName", IN_JSON, INPUT_REQUIRED, valid_user_name, 0, 0, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
static const struct input_def in_form[] = {
	{ "userName", IN_FORM, INPUT_REQUIRED, valid_user_name, 0, 0, NULL },
	{ "csrf_token", IN_FORM, 0, valid_text, 0, 96, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
static const struct route routes[] = {
	{ METHOD_GET, "/api/v1/users", h_list, in_list, 0 },
	{ METHOD_POST, "/api/v1/users", h_create, in_json, 0 },
	{ METHOD_GET | METHOD_DELETE, "/api/v1/users/{id}", h_show, in_id, 0 },
	{ METHOD_POST, "/users", h_form, in_form, ROUTE_HANDLE_INVALID },
};
static const struct http_app app = { "fuzz", routes, sizeof routes / sizeof routes[0],
	                             1024,   NULL,   NULL };

struct mem {
	const char *in;
	size_t inlen, pos;
	char out[65536];
	size_t outlen;
};

static int mem_read(void *h, char *buf, int n)
{
	struct mem *m = h;
	size_t left = m->inlen - m->pos, k = (size_t)n < left ? (size_t)n : left;
	memcpy(buf, m->in + m->pos, k);
	m->pos += k;
	return (int)k;
}

static int mem_write(void *h, const char *buf, int n)
{
	struct mem *m = h;
	size_t k = (size_t)n;
	if (k > sizeof m->out - m->outlen)
		k = sizeof m->out - m->outlen;
	memcpy(m->out + m->outlen, buf, k);
	m->outlen += k;
	return n;
}

/* Next '\n'-terminated field of data as a new string. */
static char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	const uint8_t *stop = nl ? nl : end;
	size_t n = (size_t)(stop - *p);
	char *s = malloc(n + 1);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p = nl ? nl + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *method = field(&p, end), *uri = field(&p, end), *ctype = field(&p, end);
	struct mem *m = calloc(1, sizeof *m);
	m->in = (const char *)p;
	m->inlen = (size_t)(end - p);

	char e_method[300], e_uri[4200], e_query[4200], e_ctype[300], e_len[40];
	snprintf(e_method, sizeof e_method, "REQUEST_METHOD=%s", method);
	snprintf(e_uri, sizeof e_uri, "REQUEST_URI=%s", uri);
	const char *q = strchr(uri, '?');
	snprintf(e_query, sizeof e_query, "QUERY_STRING=%s", q ? q + 1 : "");
	snprintf(e_ctype, sizeof e_ctype, "CONTENT_TYPE=%s", ctype);
	snprintf(e_len, sizeof e_len, "CONTENT_LENGTH=%zu", m->inlen);
	char *envp[] = { e_method, e_uri, e_query, e_ctype, e_len, "REMOTE_ADDR=127.0.0.1", NULL };
	struct http_io io = { m, mem_read, mem_write };

	http_serve(&app, envp, &io, NULL);

	int status = 0;
	if (sscanf(m->out, "Status: %d", &status) != 1)
		abort(); /* no response, or a malformed one */
	static const int allowed[] = { 200, 201, 303, 400, 404, 405, 413, 415, 422 };
	int ok = 0;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		ok |= status == allowed[i];
	if (!ok) {
		fprintf(stderr, "unexpected status %d\n", status);
		abort();
	}
	free(m);
	free(method);
	free(uri);
	free(ctype);
	return 0;
}
