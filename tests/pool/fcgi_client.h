/*
 * fcgi_client: a small FastCGI client for the pool's tests. It speaks just enough of
 * the protocol (BEGIN_REQUEST, PARAMS, STDIN; reads STDOUT until END_REQUEST) to act
 * as nginx does, with one connection per request, and tells a complete response
 * from a connection the worker dropped.
 */
#ifndef FCGI_TEST_CLIENT_H
#define FCGI_TEST_CLIENT_H

#include <stddef.h>

struct fcgi_resp {
	int complete; /* END_REQUEST received */
	int status;   /* from the Status: header; 200 when absent */
	char body[131072];
	size_t len;
};

/* "unix:/path" or "127.0.0.1:port"; returns a connected fd or -1. */
int fcgi_connect(const char *addr);
/* Send one GET request for uri (path and optional ?query). 0 or -1. */
int fcgi_send(int fd, const char *uri);
/* The same with FCGI_KEEP_CONN set, as nginx's fastcgi_keep_conn on does: the
 * worker keeps the connection open for the next request. */
int fcgi_send_keep(int fd, const char *uri);
/* Read the response; 0 when complete, -1 on error, EOF or timeout. */
int fcgi_recv(int fd, struct fcgi_resp *r, int timeout_ms);
/* connect + send + recv + close. */
int fcgi_get(const char *addr, const char *uri, struct fcgi_resp *r, int timeout_ms);

#endif
