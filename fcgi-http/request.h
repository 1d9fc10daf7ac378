/*
 * request: one HTTP request as the FastCGI server hands it over — method, path,
 * query, headers, and the body read up to a size limit — plus what later steps attach
 * (the matched route, path parameters, validated inputs, field errors) and the state
 * of the response. The I/O goes through struct http_io, so tests can drive a request
 * from memory without a FastCGI server.
 */
#ifndef FCGI_REQUEST_H
#define FCGI_REQUEST_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "principal.h"
#include "urlencoded.h"

/* Bit flags, so a route may accept several methods and 405 can list them in Allow. */
enum http_method {
	METHOD_GET = 1 << 0,
	METHOD_HEAD = 1 << 1,
	METHOD_POST = 1 << 2,
	METHOD_PUT = 1 << 3,
	METHOD_PATCH = 1 << 4,
	METHOD_DELETE = 1 << 5,
	METHOD_OPTIONS = 1 << 6,
	METHOD_OTHER = 1 << 7,
};

/* Where the bytes come from and go to: FastCGI streams in production, memory in tests.
 * read/write return the number of bytes moved, or -1. */
struct http_io {
	void *h;
	int (*read)(void *h, char *buf, int n);
	int (*write)(void *h, const char *buf, int n);
	/* Cut the connection so the client sees an answer break off (a streamed answer
	 * that failed half way: its status was sent already). May be NULL. */
	void (*abort)(void *h);
};

struct route;
struct http_app;
struct input;
struct field_error;

#define MAX_FIELD_ERRORS 16

/* A request id is 1 to 64 of [A-Za-z0-9._-] (nginx's $request_id: 32 hex digits). */
#define REQUEST_ID_MAX 64

struct request {
	char **envp; /* the FastCGI parameters (CGI environment) */
	struct http_io io;

	enum http_method method;
	const char *method_name;  /* as sent, e.g. "GET" */
	char *path;               /* REQUEST_URI without the query, not decoded */
	const char *query_string; /* raw; "" when none */
	const char *content_type; /* raw header; "" when none */
	long long content_length; /* -1 when not given */
	const char *remote_addr;  /* "" when unknown */
	/* nginx's REQUEST_ID param (one id per request: it is on the nginx, frontend and
	 * backend log lines of the request), or, when absent or malformed, 32 random hex
	 * digits made here. Never empty. */
	char request_id[REQUEST_ID_MAX + 1];

	/* Filled by parsing (lazily, by the dispatcher). */
	struct params query;       /* decoded query fields */
	struct params form;        /* decoded application/x-www-form-urlencoded body fields */
	struct params path_params; /* decoded {name} segments of the matched route */
	cJSON *json;               /* the parsed body when the route takes JSON */
	char *body;                /* NUL-terminated; NULL when not read */
	size_t body_len;

	const struct http_app *app;
	const struct route *route;
	struct input *in; /* validated inputs, indexed like route->inputs */
	size_t nin;
	struct field_error *errors; /* field errors found by validation */
	size_t nerrors;
	struct principal principal; /* who asks: set by the app's authenticate hook */

	/* Response state (response.c). */
	int status;             /* 0 until a response was sent */
	int streaming, aborted; /* resp_stream_begin'd; cut off half way */
	size_t bytes_out;
	char *resp_headers; /* extra "Name: value\r\n" lines */
	size_t resp_headers_len;
	struct timespec start;
};

/* Set up r from the CGI environment. Returns 0, or -1 when out of memory. */
int request_init(struct request *r, char **envp, const struct http_io *io);
void request_free(struct request *r);

/* A FastCGI/CGI parameter by name (e.g. "REQUEST_URI"), or NULL. */
const char *request_param(const struct request *r, const char *name);
/* An HTTP request header by its usual name (e.g. "If-Match", "Content-Type"), or NULL. */
const char *request_header(const struct request *r, const char *name);

/*
 * Read the body, at most max bytes. Returns 0; 1 when it is larger than max (nothing
 * useful was kept: answer 413); -1 on a read error.
 */
int request_read_body(struct request *r, size_t max);

/* 1 when the Content-Type's media type (before any ';', case-insensitive) is JSON
 * (application/json or application/<x>+json), resp. urlencoded form. */
int request_is_json(const struct request *r);
int request_is_form(const struct request *r);

/* Name of one method flag ("GET"), and the flag for a name (METHOD_OTHER if unknown). */
const char *http_method_name(enum http_method m);
enum http_method http_method_parse(const char *name);

/* The value of the path parameter / query field / form field name, or NULL. Raw
 * (unvalidated): handlers should read r->in instead. */
const char *request_path_param(const struct request *r, const char *name);

#endif
