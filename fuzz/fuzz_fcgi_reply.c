/*
 * fuzz_fcgi_reply: what a backend pool (or anything listening at BACKEND_URL) sends
 * the frontend's FastCGI client. The first byte picks how the rest is cut into reads,
 * as the network would. Properties: the parser never reads or writes out of bounds,
 * keeps the answer within its limit, and an answer it accepts has a status from 100 to
 * 599 and a body that lies inside what was received; feeding the same bytes in one
 * piece gives the same outcome.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT 2048

static enum fcgi_result parse(const uint8_t *data, size_t size, size_t step, struct fcgi_reply *r)
{
	struct fcgi_parser p;
	fcgi_parser_init(&p, r, LIMIT);
	enum fcgi_result res = FCGI_OK;
	for (size_t at = 0; at < size && res == FCGI_OK && !p.done; at += step) {
		size_t n = size - at < step ? size - at : step;
		res = fcgi_parser_feed(&p, data + at, n);
	}
	if (res == FCGI_OK)
		res = p.done ? fcgi_reply_finish(r) : FCGI_E_CLOSED;
	if (r->len > LIMIT)
		abort();
	if (res == FCGI_OK) {
		if (r->status < 100 || r->status > 599)
			abort();
		if (r->body < r->buf || r->body + r->body_len != r->buf + r->len ||
		    r->body[r->body_len] != '\0' || strlen(r->headers) > r->len)
			abort();
	}
	return res;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] % 17 + 1;
	struct fcgi_reply a = { 0 }, b = { 0 };
	enum fcgi_result ra = parse(data + 1, size - 1, step, &a);
	enum fcgi_result rb = parse(data + 1, size - 1, size, &b);
	if (ra != rb || (ra == FCGI_OK && (a.status != b.status || a.body_len != b.body_len ||
	                                   memcmp(a.body, b.body, a.body_len) != 0)))
		abort();
	fcgi_reply_free(&a);
	fcgi_reply_free(&b);
	return 0;
}
