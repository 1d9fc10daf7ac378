/*
 * fcgi_client: builds FastCGI records by hand (the protocol is small and stable),
 * so the tests control every byte and every connection, as nginx would.
 */
#include "fcgi_client.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

enum { BEGIN_REQUEST = 1, END_REQUEST = 3, PARAMS = 4, STDIN = 5, STDOUT = 6, STDERR = 7 };

int fcgi_connect(const char *addr)
{
	int fd;
	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", addr + 5);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0)
			return fd;
	} else {
		const char *colon = strrchr(addr, ':');
		if (!colon)
			return -1;
		char host[64];
		snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
		struct sockaddr_in sin = { .sin_family = AF_INET,
			                   .sin_port = htons((unsigned short)atoi(colon + 1)) };
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
			return -1;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0)
			return fd;
	}
	if (fd >= 0)
		close(fd);
	return -1;
}

static size_t header(unsigned char *b, int type, size_t len)
{
	b[0] = 1;
	b[1] = (unsigned char)type;
	b[2] = 0;
	b[3] = 1; /* request id 1 */
	b[4] = (unsigned char)(len >> 8);
	b[5] = (unsigned char)len;
	b[6] = 0;
	b[7] = 0;
	return 8;
}

static size_t param(unsigned char *b, const char *k, const char *v)
{
	size_t kl = strlen(k), vl = strlen(v), n = 0;
	b[n++] = (unsigned char)kl; /* all names and values here are < 128 bytes */
	b[n++] = (unsigned char)vl;
	memcpy(b + n, k, kl);
	n += kl;
	memcpy(b + n, v, vl);
	return n + vl;
}

static int write_all(int fd, const unsigned char *b, size_t len)
{
	while (len > 0) {
		ssize_t w = send(fd, b, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

static int send_request(int fd, const char *uri, int keep)
{
	unsigned char buf[2048];
	size_t n = 0;
	n += header(buf + n, BEGIN_REQUEST, 8);
	unsigned char begin[8] = { 0, 1, keep ? 1 : 0, 0, 0, 0, 0, 0 }; /* responder */
	memcpy(buf + n, begin, 8);
	n += 8;
	char path[128];
	const char *q = strchr(uri, '?');
	snprintf(path, sizeof path, "%.*s", q ? (int)(q - uri) : (int)strlen(uri), uri);
	unsigned char params[1024];
	size_t p = 0;
	p += param(params + p, "REQUEST_METHOD", "GET");
	p += param(params + p, "REQUEST_URI", uri);
	p += param(params + p, "DOCUMENT_URI", path);
	p += param(params + p, "SCRIPT_NAME", path);
	p += param(params + p, "QUERY_STRING", q ? q + 1 : "");
	p += param(params + p, "SERVER_PROTOCOL", "HTTP/1.1");
	p += param(params + p, "CONTENT_LENGTH", "");
	n += header(buf + n, PARAMS, p);
	memcpy(buf + n, params, p);
	n += p;
	n += header(buf + n, PARAMS, 0);
	n += header(buf + n, STDIN, 0);
	return write_all(fd, buf, n);
}

int fcgi_send(int fd, const char *uri)
{
	return send_request(fd, uri, 0);
}

int fcgi_send_keep(int fd, const char *uri)
{
	return send_request(fd, uri, 1);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int read_full(int fd, unsigned char *b, size_t len, long deadline)
{
	while (len > 0) {
		long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		ssize_t n = read(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

int fcgi_recv(int fd, struct fcgi_resp *r, int timeout_ms)
{
	memset(r, 0, sizeof *r);
	long deadline = now_ms() + timeout_ms;
	char *out = malloc(sizeof r->body);
	size_t olen = 0;
	if (!out)
		return -1;
	for (;;) {
		unsigned char h[8], content[65536 + 256];
		if (read_full(fd, h, 8, deadline) != 0)
			break;
		size_t clen = ((size_t)h[4] << 8) | h[5], plen = h[6];
		if (read_full(fd, content, clen + plen, deadline) != 0)
			break;
		if (h[1] == STDOUT && olen + clen < sizeof r->body) {
			memcpy(out + olen, content, clen);
			olen += clen;
		} else if (h[1] == END_REQUEST) {
			r->complete = 1;
			break;
		}
	}
	out[olen < sizeof r->body ? olen : sizeof r->body - 1] = '\0';
	r->status = 200;
	const char *st = strncmp(out, "Status:", 7) == 0 ? out : strstr(out, "\nStatus:");
	if (st)
		r->status = atoi(strchr(st, ':') + 1);
	const char *sep = strstr(out, "\r\n\r\n");
	const char *body = sep ? sep + 4 : out;
	r->len = olen - (size_t)(body - out);
	memcpy(r->body, body, r->len);
	r->body[r->len] = '\0';
	free(out);
	return r->complete ? 0 : -1;
}

int fcgi_get(const char *addr, const char *uri, struct fcgi_resp *r, int timeout_ms)
{
	int fd = fcgi_connect(addr);
	if (fd < 0) {
		memset(r, 0, sizeof *r);
		return -1;
	}
	int rc = fcgi_send(fd, uri) == 0 ? fcgi_recv(fd, r, timeout_ms) : -1;
	close(fd);
	return rc;
}
