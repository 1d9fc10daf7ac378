/*
 * fcgi_client: see fcgi_client.h. Three parts: the request is encoded into one buffer
 * (whole name-value pairs per PARAMS record, as php-fpm's reader needs; a pair longer
 * than a record is split, which libfcgi reads); the exchange is one poll loop that
 * sends and reads at once, so a pool that answers before reading the whole body (an
 * early 413) cannot deadlock us; the answer goes through a byte-at-a-time-safe parser.
 */
#include "fcgi_client.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum {
	FCGI_VERSION = 1,
	FCGI_REQUEST_ID = 1, /* one request per connection */
	FCGI_BEGIN_REQUEST = 1,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_STDERR = 7,
	FCGI_RESPONDER = 1,
	FCGI_REQUEST_COMPLETE = 0,
	FCGI_HEADER_LEN = 8,
	FCGI_MAX_CONTENT = 65535,
	FCGI_MAX_NV_LEN = 0x7fffffff, /* a 4-byte length's 31 bits */
};

const char *fcgi_result_text(enum fcgi_result res)
{
	switch (res) {
	case FCGI_OK:
		return "ok";
	case FCGI_E_CONNECT:
		return "cannot connect to the backend pool";
	case FCGI_E_TIMEOUT:
		return "the backend pool did not answer in time";
	case FCGI_E_CLOSED:
		return "the backend pool closed the connection before answering";
	case FCGI_E_PROTOCOL:
		return "the backend pool's answer is not valid FastCGI";
	case FCGI_E_REFUSED:
		return "the backend pool refused the request";
	case FCGI_E_TOO_LARGE:
		return "the backend pool's answer is too large";
	case FCGI_E_IO:
		break;
	}
	return "FastCGI I/O error";
}

/* ---- BACKEND_URL ---- */

int fcgi_url_is(const char *url)
{
	return url && strncmp(url, "fcgi://", 7) == 0;
}

static int fail(char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	return -1;
}

int fcgi_target_parse(const char *url, struct fcgi_target *t, char *why, size_t whylen)
{
	memset(t, 0, sizeof *t);
	if (!fcgi_url_is(url))
		return fail(why, whylen, "must start with fcgi://");
	const char *rest = url + 7;
	if (strncmp(rest, "unix:", 5) == 0) {
		const char *path = rest + 5;
		if (path[0] != '/')
			return fail(why, whylen, "fcgi://unix: needs an absolute socket path");
		if (strlen(path) >= sizeof t->path)
			return fail(why, whylen, "the socket path is too long for a unix socket");
		t->is_unix = 1;
		memcpy(t->path, path, strlen(path) + 1);
		return 0;
	}
	const char *host = rest, *host_end, *port;
	if (rest[0] == '[') {
		host = rest + 1;
		host_end = strchr(host, ']');
		if (!host_end || host_end[1] != ':')
			return fail(why, whylen, "an IPv6 address is written fcgi://[addr]:port");
		port = host_end + 2;
	} else {
		host_end = strrchr(rest, ':');
		if (!host_end)
			return fail(why, whylen, "fcgi://host:port needs a port");
		port = host_end + 1;
	}
	size_t hl = (size_t)(host_end - host);
	if (hl == 0 || hl >= sizeof t->host || memchr(host, '/', hl) || memchr(host, '@', hl))
		return fail(why, whylen,
		            "fcgi://host:port needs a host name or address, nothing else");
	size_t pl = strlen(port);
	if (pl == 0 || pl > 5 || strspn(port, "0123456789") != pl || atol(port) < 1 ||
	    atol(port) > 65535)
		return fail(why, whylen, "the port must be a number from 1 to 65535");
	memcpy(t->host, host, hl);
	memcpy(t->port, port, pl + 1);
	return 0;
}

/* ---- the request ---- */

struct enc {
	unsigned char *b;
	size_t len;
	size_t rec; /* offset of the open record's header */
	int open;
};

static void record_open(struct enc *e, unsigned char type)
{
	unsigned char *h = e->b + e->len;
	h[0] = FCGI_VERSION;
	h[1] = type;
	h[2] = 0;
	h[3] = FCGI_REQUEST_ID;
	memset(h + 4, 0, 4); /* length set at close; no padding */
	e->rec = e->len;
	e->len += FCGI_HEADER_LEN;
	e->open = 1;
}

static size_t record_fill(const struct enc *e)
{
	return e->len - e->rec - FCGI_HEADER_LEN;
}

static void record_close(struct enc *e)
{
	size_t n = record_fill(e);
	e->b[e->rec + 4] = (unsigned char)(n >> 8);
	e->b[e->rec + 5] = (unsigned char)(n & 0xff);
	e->open = 0;
}

/* Bytes of a stream, in as many records of its type as they need. */
static void stream_put(struct enc *e, unsigned char type, const void *data, size_t n)
{
	const unsigned char *p = data;
	while (n > 0) {
		if (!e->open || record_fill(e) == FCGI_MAX_CONTENT) {
			if (e->open)
				record_close(e);
			record_open(e, type);
		}
		size_t k = FCGI_MAX_CONTENT - record_fill(e);
		if (k > n)
			k = n;
		memcpy(e->b + e->len, p, k);
		e->len += k;
		p += k;
		n -= k;
	}
}

/* The end of a stream: the open record, then an empty one. */
static void stream_end(struct enc *e, unsigned char type)
{
	if (e->open)
		record_close(e);
	record_open(e, type);
	record_close(e);
}

static size_t nv_len_size(size_t n)
{
	return n < 128 ? 1 : 4;
}

static size_t nv_len_put(unsigned char *b, size_t n)
{
	if (n < 128) {
		b[0] = (unsigned char)n;
		return 1;
	}
	b[0] = (unsigned char)((n >> 24) | 0x80);
	b[1] = (unsigned char)(n >> 16);
	b[2] = (unsigned char)(n >> 8);
	b[3] = (unsigned char)n;
	return 4;
}

/* Encode the whole request into reply->req. Its length, or 0 when it cannot be. */
static size_t encode_request(struct fcgi_reply *reply, const struct fcgi_param *params,
                             size_t nparams, const void *body, size_t body_len)
{
	/* Upper bound: every pair may open a record, long ones one per 64 KiB more. */
	size_t pairs = 0;
	for (size_t i = 0; i < nparams; i++) {
		size_t nl = strlen(params[i].name), vl = strlen(params[i].value);
		if (nl > FCGI_MAX_NV_LEN || vl > FCGI_MAX_NV_LEN || pairs > SIZE_MAX / 4)
			return 0;
		pairs += nv_len_size(nl) + nv_len_size(vl) + nl + vl;
	}
	if (body_len > SIZE_MAX / 4 || pairs > SIZE_MAX / 4 - body_len)
		return 0;
	size_t bound = 2 * FCGI_HEADER_LEN + pairs + body_len +
	               FCGI_HEADER_LEN * (nparams + pairs / FCGI_MAX_CONTENT +
	                                  body_len / FCGI_MAX_CONTENT + 6);
	if (bound > reply->req_cap) {
		unsigned char *b = realloc(reply->req, bound);
		if (!b)
			return 0;
		reply->req = b;
		reply->req_cap = bound;
	}
	struct enc e = { reply->req, 0, 0, 0 };
	record_open(&e, FCGI_BEGIN_REQUEST);
	unsigned char begin[8] = { 0, FCGI_RESPONDER, 0 /* flags: no FCGI_KEEP_CONN */ };
	memcpy(e.b + e.len, begin, sizeof begin);
	e.len += sizeof begin;
	record_close(&e);

	for (size_t i = 0; i < nparams; i++) {
		size_t nl = strlen(params[i].name), vl = strlen(params[i].value);
		unsigned char lens[8];
		size_t ll = nv_len_put(lens, nl);
		ll += nv_len_put(lens + ll, vl);
		/* A pair starts a new record rather than straddle two, when it fits in one. */
		if (e.open && record_fill(&e) + ll + nl + vl > FCGI_MAX_CONTENT &&
		    ll + nl + vl <= FCGI_MAX_CONTENT)
			record_close(&e);
		stream_put(&e, FCGI_PARAMS, lens, ll);
		stream_put(&e, FCGI_PARAMS, params[i].name, nl);
		stream_put(&e, FCGI_PARAMS, params[i].value, vl);
	}
	stream_end(&e, FCGI_PARAMS);
	if (body_len)
		stream_put(&e, FCGI_STDIN, body, body_len);
	stream_end(&e, FCGI_STDIN);
	return e.len;
}

/* ---- the answer ---- */

void fcgi_parser_init(struct fcgi_parser *p, struct fcgi_reply *reply, size_t max_reply)
{
	memset(p, 0, sizeof *p);
	p->reply = reply;
	p->max_reply = max_reply;
	reply->len = 0;
	reply->status = 0;
	reply->headers = "";
	reply->body = "";
	reply->body_len = 0;
	reply->stderr_head[0] = '\0';
}

static enum fcgi_result append_stdout(struct fcgi_parser *p, const unsigned char *d, size_t n)
{
	struct fcgi_reply *r = p->reply;
	if (n > p->max_reply - r->len)
		return FCGI_E_TOO_LARGE;
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 16384;
		while (cap < r->len + n + 1)
			cap *= 2;
		if (p->max_reply < SIZE_MAX && cap > p->max_reply + 1)
			cap = p->max_reply + 1;
		char *b = realloc(r->buf, cap);
		if (!b)
			return FCGI_E_IO;
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, d, n);
	r->len += n;
	return FCGI_OK;
}

/* A record's header is complete: check it. */
static enum fcgi_result record_begins(struct fcgi_parser *p)
{
	const unsigned char *h = p->head;
	if (h[0] != FCGI_VERSION || ((h[2] << 8) | h[3]) != FCGI_REQUEST_ID)
		return FCGI_E_PROTOCOL;
	p->type = h[1];
	p->content_left = ((size_t)h[4] << 8) | h[5];
	p->padding_left = h[6];
	switch (p->type) {
	case FCGI_STDOUT:
	case FCGI_STDERR:
		return FCGI_OK;
	case FCGI_END_REQUEST:
		p->end_have = 0;
		return p->content_left == sizeof p->end ? FCGI_OK : FCGI_E_PROTOCOL;
	default:
		return FCGI_E_PROTOCOL; /* we sent no management record: nothing else is due */
	}
}

enum fcgi_result fcgi_parser_feed(struct fcgi_parser *p, const unsigned char *data, size_t n)
{
	while (n > 0 && !p->done) {
		size_t k;
		if (p->head_have < FCGI_HEADER_LEN) {
			k = FCGI_HEADER_LEN - p->head_have;
			k = k < n ? k : n;
			memcpy(p->head + p->head_have, data, k);
			p->head_have += k;
			data += k;
			n -= k;
			if (p->head_have == FCGI_HEADER_LEN) {
				enum fcgi_result res = record_begins(p);
				if (res != FCGI_OK)
					return res;
			}
		} else if (p->content_left > 0) {
			k = p->content_left < n ? p->content_left : n;
			if (p->type == FCGI_STDOUT) {
				enum fcgi_result res = append_stdout(p, data, k);
				if (res != FCGI_OK)
					return res;
			} else if (p->type == FCGI_STDERR) {
				size_t room = sizeof p->reply->stderr_head - 1 - p->stderr_have;
				size_t c = k < room ? k : room;
				memcpy(p->reply->stderr_head + p->stderr_have, data, c);
				p->stderr_have += c;
				p->reply->stderr_head[p->stderr_have] = '\0';
			} else {
				memcpy(p->end + p->end_have, data, k);
				p->end_have += k;
			}
			p->content_left -= k;
			data += k;
			n -= k;
		} else {
			k = p->padding_left < n ? p->padding_left : n;
			p->padding_left -= k;
			data += k;
			n -= k;
		}
		if (p->head_have == FCGI_HEADER_LEN && p->content_left == 0 &&
		    p->padding_left == 0) {
			p->head_have = 0; /* the record is complete */
			if (p->type == FCGI_END_REQUEST) {
				p->done = 1;
				if (p->end[4] != FCGI_REQUEST_COMPLETE)
					return FCGI_E_REFUSED;
			}
		}
	}
	return FCGI_OK;
}

/* "Status: 404 Not Found" → 404; -1 when it is not a status. */
static int status_of(const char *v, size_t n)
{
	if (n < 3 || strspn(v, "0123456789") < 3 || (n > 3 && v[3] != ' '))
		return -1;
	int s = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
	return s >= 100 && s <= 599 ? s : -1;
}

enum fcgi_result fcgi_reply_finish(struct fcgi_reply *reply)
{
	reply->status = 200;
	if (!reply->buf || reply->len == 0)
		return FCGI_E_PROTOCOL; /* not even a header block */
	char *b = reply->buf;
	b[reply->len] = '\0';
	/* The header block ends at the first empty line (CRLF, or LF as CGI allows). */
	size_t body_at, head_end;
	if (b[0] == '\n' || (b[0] == '\r' && b[1] == '\n')) {
		head_end = 0;
		body_at = b[0] == '\n' ? 1 : 2;
	} else {
		char *crlf = strstr(b, "\r\n\r\n"), *lf = strstr(b, "\n\n");
		if (!crlf && !lf)
			return FCGI_E_PROTOCOL;
		if (crlf && (!lf || crlf < lf)) {
			head_end = (size_t)(crlf - b) + 2;
			body_at = head_end + 2;
		} else {
			head_end = (size_t)(lf - b) + 1;
			body_at = head_end + 1;
		}
	}
	if (memchr(b, '\0', head_end))
		return FCGI_E_PROTOCOL;
	/* Every header line is "Name: value"; Status, when present, a real status. */
	for (size_t at = 0; at < head_end;) {
		const char *line = b + at, *eol = memchr(line, '\n', head_end - at);
		size_t n = (size_t)(eol - line);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		const char *colon = memchr(line, ':', n);
		if (!colon || colon == line)
			return FCGI_E_PROTOCOL;
		if ((size_t)(colon - line) == 6 && strncasecmp(line, "Status", 6) == 0) {
			const char *v = colon + 1;
			while (v < line + n && *v == ' ')
				v++;
			reply->status = status_of(v, (size_t)(line + n - v));
			if (reply->status < 0)
				return FCGI_E_PROTOCOL;
		}
		at = (size_t)(eol - b) + 1;
	}
	reply->body = b + body_at;
	reply->body_len = reply->len - body_at;
	b[head_end] = '\0'; /* the blank line's first byte: headers end there */
	reply->headers = b;
	return FCGI_OK;
}

int fcgi_reply_header(const struct fcgi_reply *reply, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *line = reply->headers; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		if (n > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0) {
			const char *v = line + nl + 1, *end = line + n;
			while (v < end && *v == ' ')
				v++;
			if (end > v && end[-1] == '\r')
				end--;
			snprintf(out, outlen, "%.*s", (int)(end - v), v);
			return 1;
		}
		line = eol ? eol + 1 : NULL;
	}
	return 0;
}

void fcgi_reply_free(struct fcgi_reply *reply)
{
	free(reply->buf);
	free(reply->req);
	memset(reply, 0, sizeof *reply);
	reply->headers = reply->body = "";
}

/* ---- the connection ---- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A blocking connect bounded by SO_SNDTIMEO (Linux honours it for unix and TCP
 * connects; on a unix socket it is also how long we wait in a full listen queue). The
 * socket stays blocking: the exchange sends and reads with MSG_DONTWAIT, which spares
 * the two fcntl calls per backend call. The fd, or -1. */
static int connect_addr(const struct sockaddr *sa, socklen_t len, long timeout_ms)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (timeout_ms < 1)
		timeout_ms = 1; /* 0 would mean "forever" */
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
	    connect(fd, sa, len) != 0 ||
	    (sa->sa_family != AF_UNIX &&
	     setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_target(struct fcgi_target *t, long timeout_ms)
{
	if (t->is_unix) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		memcpy(sun.sun_path, t->path, strlen(t->path) + 1);
		return connect_addr((struct sockaddr *)&sun, sizeof sun, timeout_ms);
	}
	if (t->addrlen) {
		int fd = connect_addr((struct sockaddr *)&t->addr, t->addrlen, timeout_ms);
		if (fd >= 0)
			return fd;
		t->addrlen = 0; /* resolve again: the service may have moved */
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	if (getaddrinfo(t->host, t->port, &hints, &res) != 0)
		return -1;
	long deadline = now_ms() + timeout_ms;
	int fd = -1;
	for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
		long left = deadline - now_ms();
		if (left <= 0)
			break;
		fd = connect_addr(a->ai_addr, a->ai_addrlen, left);
		if (fd >= 0 && a->ai_addrlen <= sizeof t->addr) {
			memcpy(&t->addr, a->ai_addr, a->ai_addrlen);
			t->addrlen = a->ai_addrlen;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* Send the request and read the answer at once, until END_REQUEST or the deadline.
 * A new connection takes the request at once (it fits the socket buffer), so the first
 * send goes without a poll; after that, poll says what the socket is ready for. */
static enum fcgi_result exchange(int fd, const unsigned char *req, size_t req_len,
                                 struct fcgi_parser *p, long deadline)
{
	size_t sent = 0;
	int can_send = 1;
	short ready = POLLOUT;
	unsigned char buf[16384];
	for (;;) {
		if ((ready & POLLOUT) && can_send && sent < req_len) {
			ssize_t w =
			        send(fd, req + sent, req_len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0)
				sent += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				can_send = 0; /* the pool stopped reading; it may still answer */
		}
		if (ready & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
			if (r == 0)
				return FCGI_E_CLOSED;
			if (r < 0 && errno != EAGAIN && errno != EINTR)
				return errno == ECONNRESET || errno == EPIPE ? FCGI_E_CLOSED
				                                             : FCGI_E_IO;
			if (r > 0) {
				enum fcgi_result res = fcgi_parser_feed(p, buf, (size_t)r);
				if (res != FCGI_OK)
					return res;
				if (p->done)
					return FCGI_OK;
			}
		}
		long left = deadline - now_ms();
		if (left <= 0)
			return FCGI_E_TIMEOUT;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (can_send && sent < req_len)
			pfd.events |= POLLOUT;
		int n = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (n < 0 && errno != EINTR)
			return FCGI_E_IO;
		ready = n > 0 ? pfd.revents : 0;
	}
}

enum fcgi_result fcgi_call(struct fcgi_target *t, const struct fcgi_limits *lim,
                           const struct fcgi_param *params, size_t nparams, const void *body,
                           size_t body_len, struct fcgi_reply *reply)
{
	long start = now_ms(), deadline = start + lim->timeout_ms;
	struct fcgi_parser p;
	fcgi_parser_init(&p, reply, lim->max_reply);
	size_t req_len = encode_request(reply, params, nparams, body, body_len);
	if (req_len == 0)
		return FCGI_E_IO;
	long ct = lim->connect_timeout_ms < lim->timeout_ms ? lim->connect_timeout_ms
	                                                    : lim->timeout_ms;
	int fd = connect_target(t, ct);
	if (fd < 0)
		return FCGI_E_CONNECT;
	enum fcgi_result res = exchange(fd, reply->req, req_len, &p, deadline);
	close(fd);
	if (res == FCGI_OK)
		res = fcgi_reply_finish(reply);
	if (res != FCGI_OK) {
		reply->headers = reply->body = "";
		reply->body_len = 0;
	}
	return res;
}
