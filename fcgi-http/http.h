/*
 * http: the request path of a service, top to bottom: parse → route → read and parse
 * who asks → the body → check CSRF → validate → handle → respond → access log (an app's
 * admit hook may answer first, before routing). A service declares
 * its routes in a struct http_app and runs under the pool with .handle =
 * http_pool_handle, .handler_data = &its http_app and .svc = its service struct; it
 * never touches FastCGI itself.
 *
 * Answers the dispatcher gives by itself: 404 no route; 405 with Allow; 413 body over
 * max_body; the app's unauthenticated answer (401 / sign-in) for a ROUTE_EDITOR route
 * without a principal; 415 wrong Content-Type for a route taking a JSON or form body; 400
 * malformed JSON / form / query encoding, or invalid query inputs (with errors); 403
 * (the app's) for a ROUTE_CSRF form without a valid token; 404 invalid path inputs (an
 * id that is not a number names nothing); 422 invalid body inputs (with errors), and
 * 500 if a handler sends nothing.
 */
#ifndef FCGI_HTTP_H
#define FCGI_HTTP_H

#include <fcgiapp.h>

#include "pool.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "validate.h"

#define HTTP_DEFAULT_MAX_BODY (16 * 1024)

struct http_app {
	const char *name;
	const struct route *routes;
	size_t nroutes;
	size_t max_body; /* 0: HTTP_DEFAULT_MAX_BODY */
	/* Renders an error answer (HTML pages in the frontend); r->errors holds field
	 * errors. It needs no service state, so it works when the service is broken.
	 * NULL: resp_problem. */
	void (*error)(struct request *r, int status, const char *detail);
	/* Before routing, for every request: 0 to go on, else answer and return -1 (the
	 * frontend refuses a request that carries one of its cookies twice). NULL: all
	 * requests go on. */
	int (*admit)(struct request *r, void *svc);
	/* For ROUTE_CSRF routes: 0 when the form's token is valid, else answer (403) and
	 * return -1. A ROUTE_CSRF route in an app without it answers 500. */
	int (*check_csrf)(struct request *r, void *svc);
	/* Who is asking, for every request once its route is known: set r->principal
	 * from the request's credentials and return 0, or answer (a credential that is
	 * broken, expired or in the URL) and return -1. NULL: everyone is anonymous. */
	int (*authenticate)(struct request *r, void *svc);
	/* The answer to an anonymous request for a ROUTE_EDITOR route (401 with
	 * WWW-Authenticate, or a redirect to sign-in). Required when a route has the flag. */
	void (*unauthenticated)(struct request *r, void *svc);
	/* Called with each request that reaches a handler, before it: what the service
	 * carries over from the request to its own calls (the frontend's backend client
	 * takes the "just wrote" cookie). May be NULL. */
	void (*begin)(const struct request *r, void *svc);
};

/* Serve one request from envp/io with app; svc goes to the handler and hooks. */
void http_serve(const struct http_app *app, void *svc, char **envp, const struct http_io *io);

/* Answer an error the app's way (app->error or problem+json). For handlers. */
void http_error(struct request *r, int status, const char *detail);

/* The pool's handle callback: pool_app.handler_data is the struct http_app. */
void http_pool_handle(FCGX_Request *req, const struct pool_app *app);

#endif
