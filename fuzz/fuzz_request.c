/*
 * fuzz_request: whole requests through the shared dispatcher (parse → route → body →
 * check CSRF → validate → handle → respond), served from memory by the tests' request
 * double (tests/support/http_double.c), with a route table shaped like the services'
 * own: path ids, query limits, a JSON body with a user name, a CSRF-checked form
 * body. Input layout: "METHOD\nURI\nCONTENT-TYPE\nBODY". Properties: exactly one
 * well-formed response whose status is one the contract allows; a handler only ever
 * sees inputs that passed their validators, and a form handler only a form whose
 * token passed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_double.h"
#include "users_contract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const struct request *r, size_t i)
{
	if (r->in[i].present && user_name_problem(r->in[i].str, r->in[i].len))
		abort(); /* a handler saw an invalid user name */
}

static void h_show(struct request *r, void *svc)
{
	(void)svc;
	if (r->in[0].num < USER_ID_MIN || r->in[0].num > USER_ID_MAX)
		abort();
	resp_send(r, 200, "text/plain", "ok", 2);
}

static void h_list(struct request *r, void *svc)
{
	(void)svc;
	if (r->in[0].num < 1 || r->in[0].num > 100 || r->in[1].num < 0)
		abort();
	resp_send(r, 200, "text/plain", "ok", 2);
}

static void h_create(struct request *r, void *svc)
{
	(void)svc;
	check_name(r, 0);
	resp_send(r, 201, "text/plain", "ok", 2);
}

static void h_form(struct request *r, void *svc)
{
	(void)svc;
	const struct param *t = params_find(&r->form, "csrf_token");
	if (!t || t->len != 4 || memcmp(t->value, "good", 4) != 0)
		abort(); /* the handler ran without a valid token */
	if (r->nerrors == 0)
		check_name(r, 0);
	resp_redirect(r, 303, "/");
}

/* The services' own rows where they have them (users_contract.h). */
static const struct input_def in_id[] = { USER_ID_INPUT, { 0 } };
static const struct input_def in_list[] = {
	{ .name = "limit",
	  .src = IN_QUERY,
	  .check = valid_int,
	  .min = 1,
	  .max = USERS_LIST_LIMIT_MAX,
	  .fallback = USERS_LIST_LIMIT_DEFAULT },
	{ .name = "offset",
	  .src = IN_QUERY,
	  .check = valid_int,
	  .max = 1000000000,
	  .fallback = "0" },
	{ .name = "q", .src = IN_QUERY, .check = valid_text, .max = USER_NAME_MAX_CHARS },
	{ 0 },
};
static const struct input_def in_json[] = { USER_NAME_INPUT(IN_JSON), { 0 } };
static const struct input_def in_form[] = { USER_NAME_INPUT(IN_FORM), { 0 } };

/* The form's token is "good" or the form is refused (403). */
static int check_csrf(struct request *r, void *svc)
{
	(void)svc;
	const struct param *t = params_find(&r->form, "csrf_token");
	if (t && t->len == 4 && memcmp(t->value, "good", 4) == 0)
		return 0;
	http_error(r, 403, "no valid token");
	return -1;
}

static const struct route routes[] = {
	{ .methods = METHOD_GET, .pattern = USERS_PATH, .handler = h_list, .inputs = in_list },
	{ .methods = METHOD_POST, .pattern = USERS_PATH, .handler = h_create, .inputs = in_json },
	{ .methods = METHOD_GET | METHOD_DELETE,
	  .pattern = USERS_PATH "/{id}",
	  .handler = h_show,
	  .inputs = in_id },
	{ .methods = METHOD_POST,
	  .pattern = "/users",
	  .handler = h_form,
	  .inputs = in_form,
	  .flags = ROUTE_CSRF | ROUTE_HANDLE_INVALID },
};
static const struct http_app app = {
	.name = "fuzz",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.max_body = 1024,
	.check_csrf = check_csrf,
};

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
	struct http_double d = { 0 };
	/* A body of 0 bytes is passed as "" (body_len 0 would mean strlen). */
	size_t body_len = (size_t)(end - p);
	char *body = malloc(body_len + 1);
	memcpy(body, p, body_len);
	body[body_len] = '\0';
	int status = http_double_serve(&d, &app, NULL,
	                               &(struct http_double_request){ .method = method,
	                                                              .uri = uri,
	                                                              .content_type = ctype,
	                                                              .body = body,
	                                                              .body_len = body_len });
	if (status == 0)
		abort(); /* no response, or a malformed one */
	static const int allowed[] = { 200, 201, 303, 400, 403, 404, 405, 413, 415, 422 };
	int ok = 0;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		ok |= status == allowed[i];
	if (!ok) {
		fprintf(stderr, "unexpected status %d\n", status);
		abort();
	}
	http_double_free(&d);
	free(body);
	free(method);
	free(uri);
	free(ctype);
	return 0;
}
