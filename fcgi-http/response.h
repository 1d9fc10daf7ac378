/*
 * response: writing the one response of a request — status line, headers, body — in a
 * single buffered write, with Content-Length. JSON goes through cJSON (the one JSON
 * escaping path); errors are application/problem+json (RFC 9457) unless the service
 * renders its own error pages (struct http_app.error).
 */
#ifndef FCGI_RESPONSE_H
#define FCGI_RESPONSE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "request.h"

/* "Not Found" for 404; "Unknown" for a code it does not know. */
const char *http_status_text(int status);

/* Add a header to the coming response. Returns -1 (and adds nothing) when the name or
 * value holds CR, LF or NUL, or the response was sent already. */
int resp_header(struct request *r, const char *name, const char *value);

/* Send status, Content-Type (none when NULL) and body. HEAD gets no body. Only the first
 * response of a request is sent; later calls are ignored. */
void resp_send(struct request *r, int status, const char *content_type, const void *body,
               size_t len);

/*
 * A streamed answer, for bodies too large to hold (GET /backend): resp_stream_begin
 * sends the status and headers without Content-Length (nginx sends it chunked), then
 * the body goes out through resp_stream_write as it is made (nothing for HEAD). If the
 * body cannot be finished, resp_stream_abort cuts the connection: the client sees the
 * answer break off instead of a shorter one that looks whole.
 */
void resp_stream_begin(struct request *r, int status, const char *content_type);
int resp_stream_write(void *r, const char *buf, int n); /* struct request *; json_stream's writer */
void resp_stream_abort(struct request *r);

/* Serialise json (unformatted) as application/json; 500 if that fails. */
void resp_json(struct request *r, int status, const cJSON *json);

/* A problem+json answer: {"type":"about:blank","title":…,"status":…,"detail":…} plus
 * "errors":[{"field","message"}] when r has field errors. detail may be NULL. */
void resp_problem(struct request *r, int status, const char *detail);
/* The same with extension members (RFC 9457 §3.2): extra's members are moved into the
 * problem (extra is left an empty object for the caller to delete); NULL for none. A
 * "type" member in extra replaces "about:blank", and its "title" the status's text. */
void resp_problem_with(struct request *r, int status, const char *detail, cJSON *extra);

/* 204 / a redirect with Location (303 after a form POST). */
void resp_no_content(struct request *r);
void resp_redirect(struct request *r, int status, const char *location);

/* Record a field error on r (for 422 answers and re-rendered forms). */
void request_add_error(struct request *r, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
