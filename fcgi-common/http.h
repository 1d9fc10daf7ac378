/*
 * http: the request path of a service, top to bottom: parse → route → read and parse
 * the body → validate → handle → respond → access log. A service's main.c declares its
 * routes in a struct http_app and passes http_pool_handle to the pool; it never
 * touches FastCGI itself.
 *
 * Answers the dispatcher gives by itself: 404 no route; 405 with Allow; 413 body over
 * max_body; 415 wrong Content-Type for a route taking a JSON or form body; 400
 * malformed JSON / form / query encoding, or invalid query inputs (with errors); 404
 * invalid path inputs (an id that is not a number names nothing); 422 invalid body
 * inputs (with errors), and 500 if a handler sends nothing.
 */
#ifndef FCGI_HTTP_H
#define FCGI_HTTP_H

#include <fcgiapp.h>

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
	 * errors. NULL: resp_problem. */
	void (*error)(struct request *r, int status, const char *detail);
	void *ctx; /* passed to handlers when called through http_pool_handle */
};

/* Serve one request from envp/io with app. ctx goes to the handler. */
void http_serve(const struct http_app *app, char **envp, const struct http_io *io, void *ctx);

/* Answer an error the app's way (app->error or problem+json). For handlers. */
void http_error(struct request *r, int status, const char *detail);

/*
 * The pool's handle callback for an app: struct pool_app.handle = http_pool_handle and
 * .ctx = a struct http_pool_ctx { &app, service_ctx }.
 */
struct http_pool_ctx {
	const struct http_app *app;
	void *service_ctx;
};
void http_pool_handle(FCGX_Request *req, void *ctx);

#endif
