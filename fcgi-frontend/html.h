/*
 * html: builds a page in memory from template literals whose slots are always
 * escaped. A template is a string literal with {{name}} slots; HTML() fills each slot
 * with html_escape() of its value. Markup can only come from string literals (the
 * macros paste "" around the template, so a variable does not compile) or from another
 * struct html built the same way (html_append), so nothing dynamic reaches a page
 * unescaped.
 *
 *   HTML(h, "<a href=\"/users/{{id}}\">{{name}}</a>", "id", id, "name", name);
 *   HTML_LIT(h, "<p>static markup</p>");
 */
#ifndef FRONTEND_HTML_H
#define FRONTEND_HTML_H

#include <stddef.h>

struct html {
	char *p; /* NUL-terminated; NULL until something is written */
	size_t len;
	size_t cap;
	int failed; /* out of memory, or a template named a slot it was not given */
};

#define HTML(h, tpl, ...) html_render_((h), "" tpl "", __VA_ARGS__, (const char *)NULL)
#define HTML_LIT(h, lit)  html_literal_((h), "" lit "")

void html_render_(struct html *h, const char *tpl, ...) __attribute__((sentinel));
void html_literal_(struct html *h, const char *lit);
/* Escaped text, no template. */
void html_text(struct html *h, const char *text);
/* Append a fragment built by this module (already safe). */
void html_append(struct html *h, const struct html *fragment);
/* The text, "" when empty. */
const char *html_str(const struct html *h);
void html_free(struct html *h);

#endif
