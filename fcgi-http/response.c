/*
 * response: builds the whole response in memory and writes it at once, so a partial
 * answer never escapes and Content-Length is always right.
 */
#include "response.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "validate.h"

static const struct {
	int code;
	const char *text;
} statuses[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 204, "No Content" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 307, "Temporary Redirect" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 409, "Conflict" },
	{ 410, "Gone" },
	{ 411, "Length Required" },
	{ 412, "Precondition Failed" },
	{ 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 507, "Insufficient Storage" },
};

const char *http_status_text(int status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (statuses[i].code == status)
			return statuses[i].text;
	return "Unknown";
}

static int header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

int resp_header(struct request *r, const char *name, const char *value)
{
	if (r->status || !header_safe(name) || !header_safe(value) || !*name || strchr(name, ':'))
		return -1;
	size_t add = strlen(name) + strlen(value) + 4;
	char *h = realloc(r->resp_headers, r->resp_headers_len + add + 1);
	if (!h)
		return -1;
	r->resp_headers = h;
	r->resp_headers_len +=
	        (size_t)snprintf(h + r->resp_headers_len, add + 1, "%s: %s\r\n", name, value);
	return 0;
}

void resp_send(struct request *r, int status, const char *content_type, const void *body,
               size_t len)
{
	if (r->status)
		return;
	r->status = status;
	int no_body = status == 204 || status == 304;
	if (no_body)
		len = 0;
	char head[512];
	int n = snprintf(head, sizeof head, "Status: %d %s\r\n", status, http_status_text(status));
	if (content_type && !no_body && header_safe(content_type) && strlen(content_type) < 200)
		n += snprintf(head + n, sizeof head - (size_t)n, "Content-Type: %s\r\n",
		              content_type);
	if (!no_body)
		n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", len);
	int send_body = r->method != METHOD_HEAD && len > 0;
	size_t total = (size_t)n + r->resp_headers_len + 2 + (send_body ? len : 0);
	char *out = malloc(total);
	if (!out) {
		/* Last resort: a bare status without body. */
		static const char oom[] = "Status: 500 Internal Server Error\r\n\r\n";
		r->io.write(r->io.h, oom, (int)sizeof oom - 1);
		r->status = 500;
		return;
	}
	size_t off = 0;
	memcpy(out, head, (size_t)n);
	off += (size_t)n;
	if (r->resp_headers_len) {
		memcpy(out + off, r->resp_headers, r->resp_headers_len);
		off += r->resp_headers_len;
	}
	memcpy(out + off, "\r\n", 2);
	off += 2;
	if (send_body) {
		memcpy(out + off, body, len);
		off += len;
	}
	r->io.write(r->io.h, out, (int)off);
	r->bytes_out = send_body ? len : 0;
	free(out);
}

void resp_stream_begin(struct request *r, int status, const char *content_type)
{
	if (r->status)
		return;
	r->status = status;
	r->streaming = 1;
	char head[512];
	int n = snprintf(head, sizeof head, "Status: %d %s\r\n", status, http_status_text(status));
	if (content_type && header_safe(content_type) && strlen(content_type) < 200)
		n += snprintf(head + n, sizeof head - (size_t)n, "Content-Type: %s\r\n",
		              content_type);
	r->io.write(r->io.h, head, n);
	if (r->resp_headers_len)
		r->io.write(r->io.h, r->resp_headers, (int)r->resp_headers_len);
	r->io.write(r->io.h, "\r\n", 2);
}

int resp_stream_write(void *h, const char *buf, int n)
{
	struct request *r = h;
	if (!r->streaming)
		return -1;
	if (r->method == METHOD_HEAD)
		return n; /* the headers were the whole answer */
	int w = r->io.write(r->io.h, buf, n);
	if (w > 0)
		r->bytes_out += (size_t)w;
	return w;
}

void resp_stream_abort(struct request *r)
{
	if (r->io.abort)
		r->io.abort(r->io.h);
	r->aborted = 1;
}

void resp_json(struct request *r, int status, const cJSON *json)
{
	char *s = cJSON_PrintUnformatted(json);
	if (!s) {
		resp_problem(r, 500, "could not serialise the answer");
		return;
	}
	resp_send(r, status, "application/json", s, strlen(s));
	free(s);
}

void resp_problem(struct request *r, int status, const char *detail)
{
	resp_problem_with(r, status, detail, NULL);
}

void resp_problem_with(struct request *r, int status, const char *detail, cJSON *extra)
{
	cJSON *p = cJSON_CreateObject();
	if (!p) {
		resp_send(r, 500, NULL, NULL, 0);
		return;
	}
	/* A problem of its own type (RFC 9457 §3.1) names it and its title in extra;
	 * otherwise "about:blank" and the status's text. */
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(extra, "type"));
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(extra, "title"));
	cJSON_AddStringToObject(p, "type", type ? type : "about:blank");
	cJSON_AddStringToObject(p, "title", type && title ? title : http_status_text(status));
	cJSON_AddNumberToObject(p, "status", status);
	if (detail) {
		size_t n = strlen(detail), cap = 3 * n + 1; /* one U+FFFD per bad byte */
		char *valid = malloc(cap);
		if (valid) {
			utf8_repair(valid, cap, detail, n);
			cJSON_AddStringToObject(p, "detail", valid);
			free(valid);
		}
	}
	if (r->nerrors) {
		cJSON *errs = cJSON_AddArrayToObject(p, "errors");
		for (size_t i = 0; errs && i < r->nerrors; i++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "field", r->errors[i].field);
			cJSON_AddStringToObject(e, "message", r->errors[i].message);
			cJSON_AddItemToArray(errs, e);
		}
	}
	/* The problem's own members (RFC 9457 §3.2), moved in: extra is left empty. */
	while (extra && extra->child) {
		cJSON *m = cJSON_DetachItemViaPointer(extra, extra->child);
		if (strcmp(m->string, "type") == 0 || strcmp(m->string, "title") == 0)
			cJSON_Delete(m); /* taken above */
		else
			cJSON_AddItemToObject(p, m->string, m);
	}
	char *s = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	if (!s) {
		resp_send(r, 500, NULL, NULL, 0);
		return;
	}
	resp_send(r, status, "application/problem+json", s, strlen(s));
	free(s);
}

void resp_no_content(struct request *r)
{
	resp_send(r, 204, NULL, NULL, 0);
}

void resp_redirect(struct request *r, int status, const char *location)
{
	if (resp_header(r, "Location", location) != 0) {
		resp_problem(r, 500, "bad redirect target");
		return;
	}
	resp_send(r, status, NULL, NULL, 0);
}

void request_add_error(struct request *r, const char *field, const char *fmt, ...)
{
	if (r->nerrors >= MAX_FIELD_ERRORS)
		return;
	if (!r->errors) {
		r->errors = calloc(MAX_FIELD_ERRORS, sizeof *r->errors);
		if (!r->errors)
			return;
	}
	struct field_error *e = &r->errors[r->nerrors++];
	/* Both may hold what the client sent (a JSON member name with invalid bytes):
	 * repaired, so the answer is valid UTF-8 and never cut inside a character. */
	utf8_repair(e->field, sizeof e->field, field, strlen(field));
	char message[sizeof e->message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	utf8_repair(e->message, sizeof e->message, message, strlen(message));
}
