/*
 * json_stream: JSON written as it is made, through a fixed buffer, for answers too
 * large to build in memory first (GET /backend: every user). Strings are escaped
 * exactly as cJSON prints them (the project's one JSON escaping rule), so a streamed
 * answer has the same bytes as the tree it replaces; tests and a fuzz target compare
 * the two. The buffer is flushed to the request's writer whenever it fills: memory
 * stays at JSON_STREAM_BUF however long the answer.
 */
#ifndef BACKEND_JSON_STREAM_H
#define BACKEND_JSON_STREAM_H

#include <stddef.h>

#define JSON_STREAM_BUF 16384

struct json_stream {
	int (*write)(void *h, const char *buf, int n); /* bytes moved, or -1 */
	void *h;
	size_t len;   /* bytes waiting in buf */
	size_t total; /* bytes handed to write so far */
	int failed;   /* a write failed: everything after is dropped */
	char buf[JSON_STREAM_BUF];
};

void json_stream_init(struct json_stream *s, int (*write)(void *h, const char *buf, int n),
                      void *h);
/* Bytes as they are (punctuation, member names the caller knows are plain). */
void json_stream_raw(struct json_stream *s, const char *p, size_t n);
/* A JSON string: quoted and escaped as cJSON_Print* does (up to the first NUL). */
void json_stream_string(struct json_stream *s, const char *p);
/* Hand what is buffered to write. 0, or -1 once any write has failed. */
int json_stream_flush(struct json_stream *s);

#endif
