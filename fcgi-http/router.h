/*
 * router: the route table. A route is {method(s), pattern, handler, inputs}; a pattern
 * is a path with {name} segments ("/api/v1/users/{id}") that match one non-empty
 * segment each. Matching answers the route, or tells 404 from 405 (with the Allow
 * list). GET routes also answer HEAD.
 */
#ifndef FCGI_ROUTER_H
#define FCGI_ROUTER_H

#include "request.h"
#include "validate.h"

/* A handler gets the request (validated inputs in r->in) and the service (struct
 * pool_app.svc: the program's per-worker state — database connection, HTTP client…).
 * It must send a response (response.h); if it does not, the dispatcher answers 500. */
typedef void (*handler_fn)(struct request *r, void *svc);

/* Route flags. */
enum route_flag {
	/* Call the handler even when body or query inputs fail validation: it sees
	 * r->errors/r->nerrors (HTML forms shown again with the messages). An invalid
	 * path input is still 404. */
	ROUTE_HANDLE_INVALID = 1u << 0,
	/* A form that writes: the dispatcher calls the app's check_csrf before the
	 * inputs are validated, and the handler runs only if it passed (implies a form
	 * body). */
	ROUTE_CSRF = 1u << 1,
	/* For editors only: without a principal (the app's authenticate hook found no
	 * valid credentials) the dispatcher gives the app's unauthenticated answer —
	 * 401 for the API, a redirect to sign-in for pages — before the body is read. */
	ROUTE_EDITOR = 1u << 2,
};

struct route {
	unsigned methods; /* METHOD_GET | … */
	const char *pattern;
	handler_fn handler;
	const struct input_def *inputs; /* terminated by {NULL}; NULL: none */
	unsigned flags;                 /* enum route_flag */
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/*
 * Find the route for method and path among routes[0..n). On ROUTE_FOUND sets *found
 * and appends the decoded {name} segments to params; on ROUTE_BAD_METHOD sets *allowed
 * to the methods the path accepts (HEAD included with GET). A segment whose
 * percent-encoding is malformed does not match.
 */
enum route_result router_match(const struct route *routes, size_t n, enum http_method method,
                               const char *path, const struct route **found, struct params *params,
                               unsigned *allowed);

/* "GET, HEAD, POST" for a method set, into buf. */
void router_allow_header(unsigned methods, char *buf, size_t len);

#endif
