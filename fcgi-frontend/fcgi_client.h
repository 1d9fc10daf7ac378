/*
 * fcgi_client: the frontend's FastCGI client, so a page asks the backend pool straight
 * (BACKEND_URL=fcgi://unix:/path or fcgi://host:port) instead of making a second pass
 * through nginx. Each call opens a new connection and closes it: a kept connection
 * would hold a backend worker between calls (the keep-alive trap,
 * docs/nginx-tuning.md), and a connect on a unix socket or a cluster network costs
 * microseconds.
 *
 * Hand-written: Debian's libfcgi has only the application side, and the client side
 * is small (BEGIN_REQUEST, PARAMS, STDIN out; STDOUT, STDERR, END_REQUEST back).
 * Everything the pool sends is checked (version, request id, record types, lengths),
 * the answer is bounded in size and the whole call in time, so a pool that closes,
 * stalls or answers garbage gives an error, never a hang or an overflow.
 */
#ifndef FRONTEND_FCGI_CLIENT_H
#define FRONTEND_FCGI_CLIENT_H

#include <stddef.h>
#include <sys/socket.h>

/* Where the pool listens, from BACKEND_URL. A host name is resolved at the first call
 * and again after a connect fails (a re-created service may have a new address). */
struct fcgi_target {
	int is_unix;
	char path[108];               /* unix: the socket (sun_path's size) */
	char host[256];               /* tcp: name or address, without [] */
	char port[8];                 /* tcp: 1-65535 */
	struct sockaddr_storage addr; /* tcp: the address that answered last */
	socklen_t addrlen;            /* 0: resolve before connecting */
};

/* 1 when url is of the fcgi:// kind. */
int fcgi_url_is(const char *url);
/* "fcgi://unix:/abs/path.sock", "fcgi://host:port", "fcgi://[::1]:port". 0, or -1
 * with the reason in why. */
int fcgi_target_parse(const char *url, struct fcgi_target *t, char *why, size_t whylen);

struct fcgi_param {
	const char *name;
	const char *value;
};

enum fcgi_result {
	FCGI_OK = 0,
	FCGI_E_CONNECT,   /* no connection: refused, no socket, unknown host, connect timeout */
	FCGI_E_TIMEOUT,   /* connected, but the whole answer did not come in time */
	FCGI_E_CLOSED,    /* the pool closed the connection before END_REQUEST */
	FCGI_E_PROTOCOL,  /* bytes that are not FastCGI for our request, or no CGI headers */
	FCGI_E_REFUSED,   /* END_REQUEST saying the pool would not serve it (overloaded…) */
	FCGI_E_TOO_LARGE, /* the answer is larger than the limit */
	FCGI_E_IO,        /* a socket error, out of memory, or a request too large to send */
};

struct fcgi_limits {
	long connect_timeout_ms; /* to get a connection (waits in a full listen queue) */
	long timeout_ms;         /* the whole call, connect included */
	size_t max_reply;        /* bytes of STDOUT (headers and body) */
};

/*
 * The answer. The buffers are kept from call to call (a worker allocates them once);
 * fcgi_reply_free releases them. headers and body point into buf and stay valid until
 * the next call.
 */
struct fcgi_reply {
	int status;          /* the Status: header; 200 when absent */
	const char *headers; /* "Name: value\r\n"… of the CGI header block, NUL-terminated */
	const char *body;    /* NUL-terminated (the NUL is not counted) */
	size_t body_len;
	char stderr_head[160]; /* the start of what the pool wrote to STDERR, for the log */
	char *buf;             /* STDOUT as received */
	size_t len, cap;
	unsigned char *req; /* the encoded request */
	size_t req_cap;
};

/* One request: params (CGI variables) and body (may be NULL), the answer in reply. */
enum fcgi_result fcgi_call(struct fcgi_target *t, const struct fcgi_limits *lim,
                           const struct fcgi_param *params, size_t nparams, const void *body,
                           size_t body_len, struct fcgi_reply *reply);
void fcgi_reply_free(struct fcgi_reply *reply);
const char *fcgi_result_text(enum fcgi_result res);

/* A response header's value (case-insensitive name) copied to out. 1 when present. */
int fcgi_reply_header(const struct fcgi_reply *reply, const char *name, char *out, size_t outlen);

/*
 * The answer's parser, apart from the socket so tests and the fuzzer can feed it any
 * bytes. feed returns FCGI_OK while the stream is sound (done set at END_REQUEST;
 * bytes after it are not looked at), else the error; finish splits the CGI header
 * block from the body and reads Status.
 */
struct fcgi_parser {
	struct fcgi_reply *reply;
	size_t max_reply;
	unsigned char head[8]; /* the record header being read */
	size_t head_have;
	size_t content_left, padding_left;
	unsigned char type;
	unsigned char end[8]; /* END_REQUEST's body */
	size_t end_have, stderr_have;
	int done;
};
void fcgi_parser_init(struct fcgi_parser *p, struct fcgi_reply *reply, size_t max_reply);
enum fcgi_result fcgi_parser_feed(struct fcgi_parser *p, const unsigned char *data, size_t n);
enum fcgi_result fcgi_reply_finish(struct fcgi_reply *reply);

#endif
