/*
 * layout: the frame every page shares — doctype, lang, viewport, title, stylesheet,
 * header with navigation, the flash message, main content, footer — and the headers
 * every HTML answer carries (Content-Security-Policy without inline script or style,
 * frame-ancestors 'none', nosniff, Referrer-Policy, no-store).
 */
#ifndef FRONTEND_LAYOUT_H
#define FRONTEND_LAYOUT_H

#include "html.h"
#include "request.h"

/* Send a whole page: status, title (text), an optional flash (text, NULL for none)
 * and the main content (a fragment). A content that failed to build becomes 500. */
void page_send(struct request *r, int status, const char *title, const char *flash,
               const struct html *content);

/* The security headers alone (also for redirects). */
void page_security_headers(struct request *r);

#endif
