/*
 * pool_metrics: the master's plain-HTTP listener for GET /metrics and GET /-/ping
 * (METRICS_LISTEN). php-fpm answers its status page through a worker, so a saturated
 * pool cannot be scraped and a Service spreads scrapes over pods; here the master
 * answers from the scoreboard itself, one target per pod, and its supervision must
 * never wait on a client. Hence the shape:
 *
 * - every socket is non-blocking and polled in the master's loop next to the
 *   signalfd; one call reads or writes what is ready and returns;
 * - each connection is bounded: POOL_METRICS_MAX_REQUEST bytes of request head
 *   (431 past it), POOL_METRICS_DEADLINE_MS from accept to the last byte (408 or a
 *   cut), one request and then close (no keep-alive);
 * - at most POOL_METRICS_MAX_CONN at once: a new connection evicts the oldest, so a
 *   slowloris client holding every slot delays a scrape by one accept, not forever;
 * - only GET and HEAD of /metrics and /-/ping are answered (405 with Allow for other
 *   methods, 404 for other paths, 400 for anything that is not an HTTP/1.x request
 *   line, 505 for another version).
 *
 * A hand-written server (not libmicrohttpd) because it must live inside the master's
 * single poll loop without threads and with these hard bounds; it is 300 lines.
 */
#include "pool_metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum conn_phase { CONN_FREE, CONN_READING, CONN_WRITING };

struct conn {
	int fd;
	enum conn_phase phase;
	struct timespec start; /* CLOCK_MONOTONIC, at accept */
	size_t in_len;
	char in[POOL_METRICS_MAX_REQUEST + 1];
	char *out;
	size_t out_len, out_off;
};

struct pool_metrics {
	int lfd;
	char address[80];
	pool_metrics_render_fn render;
	void *ctx;
	struct conn conns[POOL_METRICS_MAX_CONN];
};

/* Splits "host:port" / "[v6]:port" / "*:port" / ":port"; host "" means any address. */
static int split_listen(const char *addr, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon;
	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');
		if (!end || end[1] != ':' || (size_t)(end - addr - 1) >= hostlen)
			return -1;
		memcpy(host, addr + 1, (size_t)(end - addr - 1));
		host[end - addr - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon || (size_t)(colon - addr) >= hostlen ||
		    memchr(addr, ':', (size_t)(colon - addr)))
			return -1;
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		if (strcmp(host, "*") == 0)
			host[0] = '\0';
	}
	const char *p = colon + 1;
	size_t n = strlen(p);
	if (n == 0 || n >= portlen || strspn(p, "0123456789") != n)
		return -1;
	long v = strtol(p, NULL, 10);
	if (v < 0 || v > 65535)
		return -1;
	memcpy(port, p, n + 1);
	return 0;
}

int pool_metrics_check_listen(const char *addr, char *why, size_t whylen)
{
	char host[64], port[8];
	if (split_listen(addr, host, sizeof host, port, sizeof port) == 0)
		return 0;
	snprintf(why, whylen, "'%s' is not host:port, [ipv6]:port or *:port", addr);
	return -1;
}

struct pool_metrics *pool_metrics_open(const char *addr, pool_metrics_render_fn render, void *ctx)
{
	char host[64], port[8];
	if (split_listen(addr, host, sizeof host, port, sizeof port) != 0) {
		log_kv(LOG_ERROR, "metrics: bad METRICS_LISTEN", "listen", addr, NULL);
		return NULL;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
		                  .ai_socktype = SOCK_STREAM,
		                  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (rc != 0) {
		log_kv(LOG_ERROR, "metrics: cannot resolve METRICS_LISTEN", "listen", addr, "error",
		       gai_strerror(rc), NULL);
		return NULL;
	}
	int fd = -1;
	const char *err = "no address";
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = strerror(errno);
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 64) == 0)
			break;
		err = strerror(errno);
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		log_kv(LOG_ERROR, "metrics: cannot listen on METRICS_LISTEN", "listen", addr,
		       "error", err, NULL);
		return NULL;
	}
	struct pool_metrics *m = calloc(1, sizeof *m);
	if (!m) {
		close(fd);
		return NULL;
	}
	m->lfd = fd;
	m->render = render;
	m->ctx = ctx;
	for (int i = 0; i < POOL_METRICS_MAX_CONN; i++)
		m->conns[i].fd = -1;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char h[64] = "?", p[8] = "?";
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
		            NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(m->address, sizeof m->address, strchr(h, ':') ? "[%s]:%s" : "%s:%s", h, p);
	return m;
}

const char *pool_metrics_address(const struct pool_metrics *m)
{
	return m->address;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->phase = CONN_FREE;
	c->in_len = c->out_len = c->out_off = 0;
}

void pool_metrics_close(struct pool_metrics *m)
{
	if (!m)
		return;
	for (int i = 0; i < POOL_METRICS_MAX_CONN; i++)
		conn_close(&m->conns[i]);
	close(m->lfd);
	free(m);
}

void pool_metrics_forget(struct pool_metrics *m)
{
	if (!m)
		return;
	for (int i = 0; i < POOL_METRICS_MAX_CONN; i++)
		if (m->conns[i].fd >= 0)
			close(m->conns[i].fd);
	close(m->lfd);
}

int pool_metrics_pollfds(const struct pool_metrics *m, struct pollfd *fds, int max)
{
	int n = 0;
	if (!m || max < 1)
		return 0;
	fds[n++] = (struct pollfd){ .fd = m->lfd, .events = POLLIN };
	for (int i = 0; i < POOL_METRICS_MAX_CONN && n < max; i++) {
		const struct conn *c = &m->conns[i];
		if (c->phase == CONN_FREE)
			continue;
		fds[n++] = (struct pollfd){ .fd = c->fd,
			                    .events = c->phase == CONN_READING ? POLLIN : POLLOUT };
	}
	return n;
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Queue a whole answer (head + body) and switch to writing. */
static void respond(struct conn *c, int status, const char *reason, const char *type,
                    const char *extra, const char *body, size_t body_len, int head_only)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		conn_close(c);
		return;
	}
	fprintf(f,
	        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	        "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
	        status, reason, type, body_len, extra ? extra : "");
	if (!head_only && body_len)
		fwrite(body, 1, body_len, f);
	if (fclose(f) != 0) {
		free(buf);
		conn_close(c);
		return;
	}
	free(c->out);
	c->out = buf;
	c->out_len = len;
	c->out_off = 0;
	c->phase = CONN_WRITING;
	shutdown(c->fd, SHUT_RD); /* nothing more is read from this client */
}

static void respond_text(struct conn *c, int status, const char *reason, const char *extra,
                         const char *body, int head_only)
{
	respond(c, status, reason, "text/plain; charset=utf-8", extra, body, strlen(body),
	        head_only);
}

/* Does the Accept header of the request head ask for OpenMetrics? */
static int wants_openmetrics(const char *head)
{
	for (const char *line = strstr(head, "\n"); line; line = strstr(line + 1, "\n")) {
		const char *h = line + 1;
		if (strncasecmp(h, "accept:", 7) != 0)
			continue;
		size_t n = strcspn(h, "\r\n");
		return memmem(h, n, "application/openmetrics-text", 28) != NULL;
	}
	return 0;
}

static void serve_metrics(struct pool_metrics *m, struct conn *c, int head_only)
{
	int om = wants_openmetrics(c->in);
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (!f) {
		respond_text(c, 500, "Internal Server Error", NULL, "out of memory\n", head_only);
		return;
	}
	m->render(m->ctx, f, om);
	if (fclose(f) != 0) {
		free(body);
		respond_text(c, 500, "Internal Server Error", NULL, "out of memory\n", head_only);
		return;
	}
	respond(c, 200, "OK",
	        om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
	           : "text/plain; version=0.0.4; charset=utf-8",
	        NULL, body, len, head_only);
	free(body);
}

/* The request head is complete (it ends with an empty line): answer it. */
static void handle_request(struct pool_metrics *m, struct conn *c)
{
	/* Request line: METHOD SP origin-form-target SP HTTP/1.x */
	size_t line_len = strcspn(c->in, "\r\n");
	char line[POOL_METRICS_MAX_REQUEST + 1];
	memcpy(line, c->in, line_len);
	line[line_len] = '\0';
	char *sp1 = strchr(line, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' ') || sp1 == line || sp2 == sp1 + 1 ||
	    sp1[1] != '/') {
		respond_text(c, 400, "Bad Request", NULL, "bad request line\n", 0);
		return;
	}
	*sp1 = *sp2 = '\0';
	const char *method = line, *target = sp1 + 1, *version = sp2 + 1;
	if (strncmp(version, "HTTP/", 5) != 0) {
		respond_text(c, 400, "Bad Request", NULL, "bad request line\n", 0);
		return;
	}
	if (strcmp(version, "HTTP/1.1") != 0 && strcmp(version, "HTTP/1.0") != 0) {
		respond_text(c, 505, "HTTP Version Not Supported", NULL, "HTTP/1.0 or 1.1 only\n",
		             0);
		return;
	}
	size_t path_len = strcspn(target, "?#");
	int is_metrics = path_len == 8 && strncmp(target, "/metrics", 8) == 0;
	int is_ping = path_len == 7 && strncmp(target, "/-/ping", 7) == 0;
	if (!is_metrics && !is_ping) {
		respond_text(c, 404, "Not Found", NULL, "only /metrics and /-/ping here\n", 0);
		return;
	}
	int head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		respond_text(c, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n",
		             "GET or HEAD only\n", 0);
		return;
	}
	if (is_ping)
		respond_text(c, 200, "OK", NULL, "pong\n", head);
	else
		serve_metrics(m, c, head);
}

static void on_readable(struct pool_metrics *m, struct conn *c)
{
	for (;;) {
		size_t room = POOL_METRICS_MAX_REQUEST - c->in_len;
		if (room == 0) {
			respond_text(c, 431, "Request Header Fields Too Large", NULL,
			             "request head over 4096 bytes\n", 0);
			return;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, room, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) { /* closed before a whole request, or an error */
			conn_close(c);
			return;
		}
		size_t from = c->in_len > 3 ? c->in_len - 3 : 0;
		c->in_len += (size_t)n;
		c->in[c->in_len] = '\0';
		if (memchr(c->in + from, '\0', c->in_len - from)) {
			respond_text(c, 400, "Bad Request", NULL, "NUL in the request\n", 0);
			return;
		}
		if (strstr(c->in + from, "\r\n\r\n") || strstr(c->in + from, "\n\n")) {
			handle_request(m, c);
			return;
		}
	}
}

static void on_writable(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			conn_close(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	conn_close(c);
}

static struct conn *free_or_oldest(struct pool_metrics *m)
{
	struct conn *oldest = NULL;
	for (int i = 0; i < POOL_METRICS_MAX_CONN; i++) {
		struct conn *c = &m->conns[i];
		if (c->phase == CONN_FREE)
			return c;
		if (!oldest || c->start.tv_sec < oldest->start.tv_sec ||
		    (c->start.tv_sec == oldest->start.tv_sec &&
		     c->start.tv_nsec < oldest->start.tv_nsec))
			oldest = c;
	}
	conn_close(oldest); /* every slot busy: the longest-waiting client gives way */
	return oldest;
}

static void accept_all(struct pool_metrics *m)
{
	/* A bounded number per round: the master has other work in this loop too. */
	for (int i = 0; i < 2 * POOL_METRICS_MAX_CONN; i++) {
		int fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or an error worth no more than the next round */
		struct conn *c = free_or_oldest(m);
		c->fd = fd;
		c->phase = CONN_READING;
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		c->in_len = 0;
		c->in[0] = '\0';
	}
}

void pool_metrics_service(struct pool_metrics *m, const struct pollfd *fds, int n)
{
	if (!m)
		return;
	for (int i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == m->lfd) {
			accept_all(m);
			continue;
		}
		for (int j = 0; j < POOL_METRICS_MAX_CONN; j++) {
			struct conn *c = &m->conns[j];
			if (c->fd != fds[i].fd || c->phase == CONN_FREE)
				continue;
			if (c->phase == CONN_READING)
				on_readable(m, c);
			if (c->phase == CONN_WRITING)
				on_writable(c);
			break;
		}
	}
	for (int j = 0; j < POOL_METRICS_MAX_CONN; j++) {
		struct conn *c = &m->conns[j];
		if (c->phase == CONN_FREE || ms_since(&c->start) < POOL_METRICS_DEADLINE_MS)
			continue;
		if (c->phase == CONN_READING) {
			/* Too slow to send a request: one try at telling it, then gone. */
			respond_text(c, 408, "Request Timeout", NULL, "request too slow\n", 0);
			if (c->phase == CONN_WRITING)
				(void)!send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		}
		conn_close(c);
	}
}

void pool_metrics_family(FILE *out, int openmetrics, const char *name, const char *type,
                         const char *help)
{
	const char *suffix = !openmetrics && strcmp(type, "counter") == 0 ? "_total" : "";
	fprintf(out, "# HELP fcgi_pool_%s%s %s\n# TYPE fcgi_pool_%s%s %s\n", name, suffix, help,
	        name, suffix, type);
}

void pool_metrics_sample(FILE *out, const char *name, const char *type, const char *labels,
                         double value)
{
	fprintf(out, "fcgi_pool_%s%s{%s} %.17g\n", name,
	        strcmp(type, "counter") == 0 ? "_total" : "", labels, value);
}
