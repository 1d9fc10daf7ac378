/*
 * html_escape: the one function that turns text into HTML. Every dynamic value that
 * reaches a page goes through it (fcgi-frontend/html.c calls it for each template slot),
 * so there is exactly one place to get escaping right.
 *
 * It escapes & < > " ' (safe in element content and in quoted attribute values), and
 * replaces what would make the page invalid or confusing with U+FFFD: bytes that are not
 * valid UTF-8, NUL and the other control characters except tab, newline and return.
 */
#ifndef FCGI_HTML_ESCAPE_H
#define FCGI_HTML_ESCAPE_H

#include <stddef.h>

/* Worst case growth of one input byte ("'" -> "&#39;" is 5, one bad byte -> 3). */
#define HTML_ESCAPE_MAX_GROWTH 6

/*
 * Escape len bytes of src into dst (capacity cap). Returns the length of the full
 * escaped text, like snprintf: when it is >= cap, the output was cut. dst is always
 * NUL-terminated when cap > 0.
 */
size_t html_escape(char *dst, size_t cap, const char *src, size_t len);

/* The escaped text of a NUL-terminated string in a new malloc'd string; NULL when out
 * of memory. */
char *html_escape_dup(const char *src);

#endif
