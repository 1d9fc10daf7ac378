/*
 * http_double: see http_double.h. The output grows as needed, so a test never cuts
 * an answer short; the parameters are built on the stack of one call (a URI is cut at
 * 8 KiB, more than nginx passes by default).
 */
#include "http_double.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int double_read(void *h, char *buf, int n)
{
	struct http_double *d = h;
	size_t left = d->in_len - d->in_pos;
	size_t k = (size_t)n < left ? (size_t)n : left;
	memcpy(buf, d->in + d->in_pos, k);
	d->in_pos += k;
	return (int)k;
}

static int double_write(void *h, const char *buf, int n)
{
	struct http_double *d = h;
	if (d->len + (size_t)n + 1 > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;
		while (cap < d->len + (size_t)n + 1)
			cap *= 2;
		char *p = realloc(d->out, cap);
		if (!p)
			return -1;
		d->out = p;
		d->cap = cap;
	}
	memcpy(d->out + d->len, buf, (size_t)n);
	d->len += (size_t)n;
	d->out[d->len] = '\0';
	return n;
}

struct http_io http_double_io(struct http_double *d)
{
	return (struct http_io){ .h = d, .read = double_read, .write = double_write };
}

void http_double_clear(struct http_double *d)
{
	d->len = 0;
	if (d->out)
		d->out[0] = '\0';
	d->status = 0;
	d->body = "";
}

void http_double_parse(struct http_double *d)
{
	d->status = 0;
	d->body = "";
	if (!d->out)
		return;
	if (sscanf(d->out, "Status: %d", &d->status) != 1)
		d->status = 0;
	const char *b = strstr(d->out, "\r\n\r\n");
	if (b)
		d->body = b + 4;
}

void http_double_free(struct http_double *d)
{
	free(d->out);
	memset(d, 0, sizeof *d);
}

int http_double_serve(struct http_double *d, const struct http_app *app, void *svc,
                      const struct http_double_request *req)
{
	http_double_clear(d);
	d->in = req->body ? req->body : "";
	d->in_len = req->body ? (req->body_len ? req->body_len : strlen(req->body)) : 0;
	d->in_pos = 0;

	const char *q = strchr(req->uri, '?');
	char method[300], uri[8192], query[8192], ctype[300], clen[64], cookie[2048];
	snprintf(method, sizeof method, "REQUEST_METHOD=%s", req->method);
	snprintf(uri, sizeof uri, "REQUEST_URI=%s", req->uri);
	snprintf(query, sizeof query, "QUERY_STRING=%s", q ? q + 1 : "");
	snprintf(clen, sizeof clen, "CONTENT_LENGTH=%zu", d->in_len);
	char *envp[16] = { method, uri, query, clen, "REMOTE_ADDR=127.0.0.1" };
	size_t n = 5;
	if (req->content_type) {
		snprintf(ctype, sizeof ctype, "CONTENT_TYPE=%s", req->content_type);
		envp[n++] = ctype;
	}
	if (req->cookie) {
		snprintf(cookie, sizeof cookie, "HTTP_COOKIE=%s", req->cookie);
		envp[n++] = cookie;
	}
	for (size_t i = 0; i < 4 && req->params[i]; i++)
		envp[n++] = (char *)req->params[i];
	envp[n] = NULL;

	struct http_io io = http_double_io(d);
	http_serve(app, svc, envp, &io);
	http_double_parse(d);
	return d->status;
}
