/*
 * utf8: strict UTF-8 validation (no overlong forms, no surrogates, nothing above
 * U+10FFFF) and the counts validators need. Both services use it for every piece of
 * text that reaches storage, a page or a log line. It lives with the pool because the
 * log (the lowest layer) needs it too; the request layer builds on it.
 */
#ifndef FCGI_UTF8_H
#define FCGI_UTF8_H

#include <stddef.h>

/* The well-formed sequence at s (at most n > 0 bytes): its length (1 to 4) and its code
 * point in *cp, or 0 when it is not well formed. The one decoder: counting, validation
 * and html_escape all step through text with it. */
size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp);

/* Number of code points in s[0..n), or -1 when s is not valid UTF-8. */
long utf8_count(const char *s, size_t n);

/* 1 when s[0..n) contains a control character (C0, DEL or C1: U+0080..U+009F). The
 * input must be valid UTF-8. */
int utf8_has_control(const char *s, size_t n);

#endif
