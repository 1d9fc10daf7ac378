/*
 * error_pages: the friendly pages for what goes wrong — 400 (also a cookie sent
 * twice), 403 (a refused form), 409 (a form sent twice),
 * 404, 405, 413, 415, 500, and 502/503 when the backend is down ("the directory is
 * unavailable"). frontend_error is the http_app's error renderer, so the dispatcher's
 * own answers (no route, wrong method, bad input) get the same pages.
 */
#ifndef FRONTEND_ERROR_PAGES_H
#define FRONTEND_ERROR_PAGES_H

#include "api_client.h"
#include "csrf.h"
#include "request.h"

void frontend_error(struct request *r, int status, const char *detail);
/* The page for a failed backend call that is not about a form field. */
void page_api_error(struct request *r, const struct api_error *e);
/* 403 for a form whose CSRF token was refused, or that came from another site. */
void page_csrf_refused(struct request *r, enum csrf_result why);
/* 409 for a form whose write was made already (its token is one-use: csrf.h): a
 * double click, a resent page, a replay. Links to a fresh copy of the form. */
void page_form_sent(struct request *r);
/* 400 for a request that carries the cookie name twice (site_cookies.h). */
void page_cookie_twice(struct request *r, const char *name);

#endif
