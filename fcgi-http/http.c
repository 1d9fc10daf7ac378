/*
 * http: one request from arrival to access-log line. Each step either hands over to
 * the next or answers and stops; none reaches back. The service struct (svc) is passed
 * down to the hooks and the handler, never stored.
 */
#include "http.h"

#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void http_error(struct request *r, int status, const char *detail)
{
	if (r->app && r->app->error)
		r->app->error(r, status, detail);
	else
		resp_problem(r, status, detail);
}

static unsigned route_body_kind(const struct route *rt)
{
	unsigned kinds = rt->flags & ROUTE_CSRF ? 1u << IN_FORM : 0; /* the token's form */
	for (const struct input_def *d = rt->inputs; d && d->name; d++)
		kinds |= 1u << d->src;
	return kinds;
}

/* cJSON cuts a string at an escaped NUL (\u0000) without saying so; refuse such
 * bodies rather than store a shortened value. */
static int json_has_escaped_nul(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 5 < n && strncmp(s + i + 2, "0000", 4) == 0)
			return 1;
		i++; /* skip the escaped character */
	}
	return 0;
}

/* Read and parse the body the route takes. Returns 0, or after answering, -1. */
static int parse_body(struct request *r, unsigned kinds)
{
	int want_json = (kinds & (1u << IN_JSON)) != 0;
	int want_form = (kinds & (1u << IN_FORM)) != 0;
	if (!want_json && !want_form)
		return 0;
	size_t max = r->app->max_body ? r->app->max_body : HTTP_DEFAULT_MAX_BODY;
	if (r->content_length > (long long)max) {
		char d[80];
		snprintf(d, sizeof d, "the body is larger than %zu bytes", max);
		http_error(r, 413, d);
		return -1;
	}
	if (want_json && !request_is_json(r)) {
		http_error(r, 415, "send the body as application/json");
		return -1;
	}
	if (want_form && !want_json && !request_is_form(r)) {
		http_error(r, 415, "send the body as application/x-www-form-urlencoded");
		return -1;
	}
	int rc = request_read_body(r, max);
	if (rc == 1) {
		char d[80];
		snprintf(d, sizeof d, "the body is larger than %zu bytes", max);
		http_error(r, 413, d);
		return -1;
	}
	if (rc != 0) {
		http_error(r, 400, "could not read the request body");
		return -1;
	}
	if (want_json) {
		/* cJSON would keep a raw NUL inside a string and C would cut the value there:
		 * {"userName":"a<NUL>b"} must not become the user "a". */
		if (memchr(r->body, '\0', r->body_len)) {
			http_error(r, 400, "the body contains a NUL byte");
			return -1;
		}
		if (json_has_escaped_nul(r->body, r->body_len)) {
			http_error(r, 400, "JSON strings must not contain \\u0000");
			return -1;
		}
		/* The length includes the NUL: cJSON's require_null_terminated looks at it. */
		r->json = cJSON_ParseWithLengthOpts(r->body, r->body_len + 1, NULL, 1);
		if (!r->json) {
			http_error(r, 400, "the body is not valid JSON");
			return -1;
		}
		if (!cJSON_IsObject(r->json)) {
			http_error(r, 400, "the body must be a JSON object");
			return -1;
		}
		/* Unknown members are mistakes (a misspelt field would be ignored). */
		for (const cJSON *m = r->json->child; m; m = m->next) {
			int known = 0;
			for (const struct input_def *d = r->route->inputs; d && d->name; d++)
				if (d->src == IN_JSON && strcmp(d->name, m->string) == 0)
					known = 1;
			if (!known)
				request_add_error(r, m->string, "is not a known field");
		}
	} else if (urlencoded_parse(r->body, r->body_len, &r->form) != 0) {
		http_error(r, 400, "the form body has a malformed %-escape");
		return -1;
	}
	return 0;
}

/* Find input d's raw value. Returns 1 when present. */
static int raw_value(struct request *r, const struct input_def *d, struct raw_input *raw)
{
	const struct param *p = NULL;
	memset(raw, 0, sizeof *raw);
	switch (d->src) {
	case IN_PATH:
		p = params_find(&r->path_params, d->name);
		break;
	case IN_QUERY:
		p = params_find(&r->query, d->name);
		break;
	case IN_FORM:
		p = params_find(&r->form, d->name);
		break;
	case IN_JSON: {
		const cJSON *m =
		        r->json ? cJSON_GetObjectItemCaseSensitive(r->json, d->name) : NULL;
		if (!m || cJSON_IsNull(m))
			return 0;
		raw->json = m;
		if (cJSON_IsString(m)) {
			raw->str = m->valuestring;
			raw->len = strlen(m->valuestring);
		} else if (cJSON_IsNumber(m)) {
			raw->num = m->valuedouble;
			raw->str = "";
		} else {
			raw->str = "";
		}
		return 1;
	}
	}
	if (!p)
		return 0;
	raw->str = p->value;
	raw->len = p->len;
	return 1;
}

/* Validate the route's inputs into r->in. Returns 0, or after answering, -1. */
static int validate_inputs(struct request *r)
{
	size_t n = 0;
	for (const struct input_def *d = r->route->inputs; d && d->name; d++)
		n++;
	r->in = calloc(n ? n : 1, sizeof *r->in);
	if (!r->in) {
		http_error(r, 500, "out of memory");
		return -1;
	}
	r->nin = n;
	unsigned failed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct input_def *d = &r->route->inputs[i];
		struct raw_input raw;
		char why[160] = "";
		if (!raw_value(r, d, &raw)) {
			if (d->fallback) {
				raw.str = d->fallback;
				raw.len = strlen(d->fallback);
			} else if (d->flags & INPUT_REQUIRED) {
				request_add_error(r, d->name, "is required");
				failed |= 1u << d->src;
				continue;
			} else {
				continue;
			}
		}
		int rc = d->check ? d->check(d, &raw, &r->in[i], why, sizeof why)
		                  : valid_text(d, &raw, &r->in[i], why, sizeof why);
		if (rc != 0) {
			request_add_error(r, d->name, "%s", why[0] ? why : "is not valid");
			failed |= 1u << d->src;
			free(r->in[i].owned);
			memset(&r->in[i], 0, sizeof r->in[i]);
			continue;
		}
		r->in[i].present = 1;
	}
	if (failed & (1u << IN_PATH)) {
		r->nerrors = 0; /* "/users/abc" names nothing: no field errors to show */
		http_error(r, 404, "no such resource");
		return -1;
	}
	if (r->nerrors && (r->route->flags & ROUTE_HANDLE_INVALID))
		return 0;
	if (r->nerrors && (failed & ((1u << IN_JSON) | (1u << IN_FORM)) || !failed)) {
		/* body field errors, or unknown JSON members */
		http_error(r, 422, "the request has invalid fields");
		return -1;
	}
	if (r->nerrors) {
		http_error(r, 400, "the query has invalid parameters");
		return -1;
	}
	return 0;
}

static void access_log(const struct request *r)
{
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	double ms = (double)(end.tv_sec - r->start.tv_sec) * 1e3 +
	            (double)(end.tv_nsec - r->start.tv_nsec) / 1e6;
	char status[8], bytes[24], dur[24];
	snprintf(status, sizeof status, "%d", r->status);
	snprintf(bytes, sizeof bytes, "%zu", r->bytes_out);
	snprintf(dur, sizeof dur, "%.3f", ms);
	log_kv(r->status >= 500 ? LOG_WARN : LOG_INFO, "request", "method", r->method_name, "path",
	       r->path, "status", status, "bytes", bytes, "ms", dur, "remote", r->remote_addr,
	       NULL);
}

/* A ROUTE_CSRF form: the app's check, before validation (a forged form is 403 even
 * when its fields are wrong too). Returns 0, or after answering, -1. */
static int check_csrf(struct request *r, void *svc)
{
	if (!(r->route->flags & ROUTE_CSRF))
		return 0;
	if (!r->app->check_csrf) {
		log_kv(LOG_ERROR, "ROUTE_CSRF route in an app without check_csrf", "path", r->path,
		       NULL);
		http_error(r, 500, "the form cannot be checked");
		return -1;
	}
	return r->app->check_csrf(r, svc) == 0 ? 0 : -1;
}

/* Who is asking (the app's authenticate hook), and the app's unauthenticated answer for
 * an editors' route without a principal: before the body is read, so an anonymous
 * write costs no parsing. Returns 0, or -1 after answering. */
static int identify(struct request *r, void *svc)
{
	if (r->app->authenticate && r->app->authenticate(r, svc) != 0)
		return -1;
	if (!(r->route->flags & ROUTE_EDITOR) || r->principal.kind != PRINCIPAL_NONE)
		return 0;
	if (!r->app->unauthenticated) {
		log_kv(LOG_ERROR, "ROUTE_EDITOR route in an app without unauthenticated", "path",
		       r->path, NULL);
		http_error(r, 500, "this route is misconfigured");
		return -1;
	}
	r->app->unauthenticated(r, svc);
	if (!r->status)
		http_error(r, 401, "sign in first");
	return -1;
}

static void dispatch(struct request *r, void *svc)
{
	const struct http_app *app = r->app;
	if (app->admit && app->admit(r, svc) != 0)
		return;
	unsigned allowed = 0;
	enum route_result rr = router_match(app->routes, app->nroutes, r->method, r->path,
	                                    &r->route, &r->path_params, &allowed);
	if (rr == ROUTE_NOT_FOUND) {
		http_error(r, 404, "no such resource");
		return;
	}
	if (rr == ROUTE_BAD_METHOD) {
		char allow[128];
		router_allow_header(allowed, allow, sizeof allow);
		resp_header(r, "Allow", allow);
		char d[200];
		snprintf(d, sizeof d, "%s is not allowed here; use %s", r->method_name, allow);
		http_error(r, 405, d);
		return;
	}
	if (urlencoded_parse(r->query_string, strlen(r->query_string), &r->query) != 0) {
		http_error(r, 400, "the query string has a malformed %-escape");
		return;
	}
	if (identify(r, svc) != 0)
		return;
	if (parse_body(r, route_body_kind(r->route)) != 0)
		return;
	if (check_csrf(r, svc) != 0)
		return;
	if (validate_inputs(r) != 0)
		return;
	if (app->begin)
		app->begin(r, svc);
	r->route->handler(r, svc);
	if (!r->status) {
		log_kv(LOG_ERROR, "handler sent no response", "path", r->path, NULL);
		http_error(r, 500, "the handler sent no response");
	}
}

void http_serve(const struct http_app *app, void *svc, char **envp, const struct http_io *io)
{
	struct request r;
	if (request_init(&r, envp, io) != 0) {
		static const char oom[] = "Status: 500 Internal Server Error\r\n\r\n";
		io->write(io->h, oom, (int)sizeof oom - 1);
		request_free(&r);
		return;
	}
	r.app = app;
	/* Every line logged while this request is in hand carries its id (log.c). */
	log_set_request_id(r.request_id);
	dispatch(&r, svc);
	pool_note_status(r.status); /* fcgi_pool_responses_total{code} */
	access_log(&r);
	log_set_request_id(NULL);
	request_free(&r);
}

static int fcgx_read(void *h, char *buf, int n)
{
	return FCGX_GetStr(buf, n, ((FCGX_Request *)h)->in);
}

static int fcgx_write(void *h, const char *buf, int n)
{
	return FCGX_PutStr(buf, n, ((FCGX_Request *)h)->out);
}

/* Shut the socket: libfcgi's END_REQUEST then goes nowhere, and nginx reports the
 * answer as cut off ("upstream prematurely closed") instead of passing it as whole. */
static void fcgx_abort(void *h)
{
	FCGX_Request *req = h;
	FCGX_FFlush(req->out);
	if (req->ipcFd >= 0)
		shutdown(req->ipcFd, SHUT_RDWR);
}

void http_pool_handle(FCGX_Request *req, const struct pool_app *app)
{
	struct http_io io = {
		.h = req, .read = fcgx_read, .write = fcgx_write, .abort = fcgx_abort
	};
	http_serve(app->handler_data, app->svc, req->envp, &io);
}
