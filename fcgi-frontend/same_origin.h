/*
 * same_origin: is a write coming from one of this site's own pages? The CSRF token
 * proves the form was ours; this asks the browser where the request itself came
 * from, which holds even when a token leaks or a sibling subdomain plants a cookie.
 *
 * The browser's word, in the order Go's net/http CrossOriginProtection uses:
 *
 *   1. Sec-Fetch-Site (every current browser sends it): "same-origin" passes, and so
 *      does "none" (the person typed the address or used a bookmark: no page sent
 *      it); "same-site" (a sibling subdomain) and "cross-site" are refused.
 *   2. Without it, Origin: it must name this host (scheme://host[:port], compared
 *      with the Host header; default ports ignored). "null" (a sandboxed frame, a
 *      redirect across sites) is refused.
 *   3. Without either, the client is not a browser (curl, the tests) or a very old
 *      one: the request passes here and the CSRF token alone decides.
 */
#ifndef FRONTEND_SAME_ORIGIN_H
#define FRONTEND_SAME_ORIGIN_H

#include "request.h"

/* NULL when the request may write, else why not (for the log and the 403 page). */
const char *same_origin_problem(const struct request *r);

#endif
