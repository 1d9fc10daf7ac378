/*
 * request: reads what the web server sent (CGI parameters and the body) into a struct
 * request, and frees it again. Nothing here decides an answer.
 */
#include "request.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "validate.h"

static const struct {
	enum http_method m;
	const char *name;
} methods[] = {
	{ METHOD_GET, "GET" },         { METHOD_HEAD, "HEAD" },   { METHOD_POST, "POST" },
	{ METHOD_PUT, "PUT" },         { METHOD_PATCH, "PATCH" }, { METHOD_DELETE, "DELETE" },
	{ METHOD_OPTIONS, "OPTIONS" },
};

const char *http_method_name(enum http_method m)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (methods[i].m == m)
			return methods[i].name;
	return "OTHER";
}

enum http_method http_method_parse(const char *name)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(methods[i].name, name) == 0)
			return methods[i].m;
	return METHOD_OTHER;
}

const char *request_param(const struct request *r, const char *name)
{
	if (!r->envp)
		return NULL;
	size_t n = strlen(name);
	for (char **e = r->envp; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *request_header(const struct request *r, const char *name)
{
	char cgi[128] = "HTTP_";
	size_t j = 5;
	for (const char *p = name; *p && j + 1 < sizeof cgi; p++)
		cgi[j++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	cgi[j] = '\0';
	/* CGI passes these two without the HTTP_ prefix. */
	if (strcmp(cgi, "HTTP_CONTENT_TYPE") == 0 || strcmp(cgi, "HTTP_CONTENT_LENGTH") == 0) {
		const char *v = request_param(r, cgi + 5);
		if (v)
			return v;
	}
	return request_param(r, cgi);
}

/* REQUEST_ID as nginx (or the frontend's fcgi:// client) passed it, when it has the
 * shape of an id; else a fresh random one, so the lines of this request still join. */
static void request_id_take(struct request *r)
{
	const char *id = request_param(r, "REQUEST_ID");
	size_t n = id ? strlen(id) : 0;
	if (n >= 1 && n <= REQUEST_ID_MAX &&
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n) {
		memcpy(r->request_id, id, n + 1);
		return;
	}
	unsigned char raw[16];
	if (getrandom(raw, sizeof raw, GRND_NONBLOCK) != (ssize_t)sizeof raw) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		unsigned long long x =
		        (unsigned long long)t.tv_nsec ^ ((unsigned long long)getpid() << 32);
		for (size_t i = 0; i < sizeof raw; i++, x = x * 6364136223846793005ULL + 1)
			raw[i] = (unsigned char)(x >> 56);
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(r->request_id + 2 * i, 3, "%02x", raw[i]);
}

int request_init(struct request *r, char **envp, const struct http_io *io)
{
	memset(r, 0, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->envp = envp;
	r->io = *io;
	const char *m = request_param(r, "REQUEST_METHOD");
	r->method_name = m ? m : ""; /* none: METHOD_OTHER, answered 405 */
	r->method = http_method_parse(r->method_name);

	/* The raw path (not nginx's decoded DOCUMENT_URI), so an encoded "/" in a segment
	 * stays inside that segment. */
	const char *uri = request_param(r, "REQUEST_URI");
	if (!uri)
		uri = request_param(r, "DOCUMENT_URI");
	if (!uri)
		uri = request_param(r, "SCRIPT_NAME");
	if (!uri || !*uri)
		uri = "/";
	size_t plen = strcspn(uri, "?#");
	r->path = strndup(uri, plen);
	if (!r->path)
		return -1;
	const char *qs = request_param(r, "QUERY_STRING");
	if (!qs)
		qs = uri[plen] == '?' ? uri + plen + 1 : "";
	r->query_string = qs;
	const char *ct = request_header(r, "Content-Type");
	r->content_type = ct ? ct : "";
	const char *cl = request_header(r, "Content-Length");
	r->content_length = -1;
	if (cl && *cl) {
		char *end;
		errno = 0;
		long long v = strtoll(cl, &end, 10);
		if (!*end && !errno && v >= 0)
			r->content_length = v;
	}
	const char *ra = request_param(r, "REMOTE_ADDR");
	r->remote_addr = ra ? ra : "";
	request_id_take(r);
	return 0;
}

void request_free(struct request *r)
{
	free(r->path);
	params_free(&r->query);
	params_free(&r->form);
	params_free(&r->path_params);
	cJSON_Delete(r->json);
	free(r->body);
	free(r->in);
	free(r->errors);
	free(r->resp_headers);
	memset(r, 0, sizeof *r);
}

int request_read_body(struct request *r, size_t max)
{
	if (r->body)
		return 0;
	if (r->content_length > (long long)max)
		return 1;
	/* Read one byte more than allowed to tell "exactly max" from "too large". */
	size_t cap = r->content_length >= 0 ? (size_t)r->content_length : max;
	char *buf = malloc(cap + 2);
	if (!buf)
		return -1;
	size_t len = 0;
	for (;;) {
		if (len > max) {
			free(buf);
			return 1;
		}
		if (len == cap + 1)
			break;
		int n = r->io.read(r->io.h, buf + len, (int)(cap + 1 - len));
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		free(buf);
		return 1;
	}
	buf[len] = '\0';
	r->body = buf;
	r->body_len = len;
	return 0;
}

/* Compare the media type of the Content-Type (before ';', trimmed) with want. */
static int media_type_is(const char *ct, const char *want, int allow_suffix)
{
	while (*ct == ' ' || *ct == '\t')
		ct++;
	size_t n = strcspn(ct, "; \t");
	size_t w = strlen(want);
	if (n == w && strncasecmp(ct, want, w) == 0)
		return 1;
	/* application/problem+json and friends */
	if (allow_suffix && n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
	    strncasecmp(ct + n - 5, "+json", 5) == 0)
		return 1;
	return 0;
}

int request_is_json(const struct request *r)
{
	return media_type_is(r->content_type, "application/json", 1);
}

int request_is_form(const struct request *r)
{
	return media_type_is(r->content_type, "application/x-www-form-urlencoded", 0);
}

const char *request_path_param(const struct request *r, const char *name)
{
	return params_get(&r->path_params, name);
}
