/*
 * log_line: builds one log line, text (logfmt-style key=value) or JSON, from a message
 * and key/value fields, so that every line parses whatever the values hold: invalid
 * UTF-8 is replaced by U+FFFD, control bytes and quotes are escaped, and an over-long
 * value is cut inside its string (ending in "…"), never the line after it. log.c
 * formats with it and writes each line with one write(2).
 */
#ifndef FCGI_LOG_LINE_H
#define FCGI_LOG_LINE_H

#include <stddef.h>

/* A whole line, newline included, is at most this long: one write(2) of at most
 * PIPE_BUF bytes is atomic on a pipe too (a container's stdout), so lines from
 * several workers never interleave. */
#define LOG_LINE_MAX 4096
/* Longest value (bytes of UTF-8) before it is cut; lowered when the line is too long. */
#define LOG_VALUE_MAX 1024

struct log_field {
	const char *key;
	const char *value; /* NULL logs as "" */
};

struct log_line_head {
	const char *ts;    /* "2026-01-01T00:00:00.123Z" */
	const char *level; /* "info" */
	const char *name;  /* the program's pool name */
	long pid;
	const char *msg;
};

/* Writes the line (ending in '\n', NUL-terminated) into buf of LOG_LINE_MAX + 1 bytes
 * and returns its length. json: one JSON object; else text. */
size_t log_line_build(char *buf, int json, const struct log_line_head *h,
                      const struct log_field *fields, size_t nfields);

/* Copies s[0..n) into out as valid UTF-8 of at most max bytes: invalid bytes become
 * U+FFFD; when it does not fit, it is cut on a character boundary and ends in "…".
 * out needs max + 1 bytes; returns the length written. */
size_t log_line_utf8(char *out, size_t max, const char *s, size_t n);

#endif
