/*
 * Unit tests for fcgi-frontend/fcgi_client: BACKEND_URL parsing, and calls against
 * fake pools this test forks on loopback (a unix socket in a private directory, or
 * 127.0.0.1 on a free port). Two kinds of fake: a libfcgi responder (the library the
 * real pools use, so what it reads back is what a pool would see: long names and
 * values, params and bodies over one record) and a raw one that answers canned bytes
 * (garbage, a wrong request id, a close before the end, a stall, an answer too large,
 * an overloaded pool, an answer before the body was read). Each fake dies with the
 * test that started it (PR_SET_PDEATHSIG, alarm). The echo also shows what the API
 * client (api_client.c) sends over fcgi:// for an editor: its credentials as params.
 */
#include <arpa/inet.h>
#include <check.h>
#include <fcgiapp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api_auth_client.h"
#include "check_run.h"
#include "fcgi_client.h"

/* ---- fake pools ---- */

struct fake {
	pid_t pid;
	char dir[64];
	char url[160];
};

/* A listening socket: unix in a fresh directory, or 127.0.0.1 on a free port. */
static int fake_listen(struct fake *f, int tcp)
{
	int fd;
	if (tcp) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
		socklen_t len = sizeof a;
		ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
		snprintf(f->url, sizeof f->url, "fcgi://127.0.0.1:%u", ntohs(a.sin_port));
	} else {
		snprintf(f->dir, sizeof f->dir, "/tmp/fcgi-client-test-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(f->dir));
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof a.sun_path, "%s/pool.sock", f->dir);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
		snprintf(f->url, sizeof f->url, "fcgi://unix:%s", a.sun_path);
	}
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

static void fake_start(struct fake *f, int tcp, void (*serve)(int lfd, int arg), int arg)
{
	memset(f, 0, sizeof *f);
	int lfd = fake_listen(f, tcp);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(20);
		serve(lfd, arg);
		_exit(0);
	}
	close(lfd);
}

static void fake_stop(struct fake *f)
{
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	if (f->dir[0]) {
		char p[128];
		snprintf(p, sizeof p, "%s/pool.sock", f->dir);
		unlink(p);
		rmdir(f->dir);
	}
}

/* libfcgi responder: answers 201 with what it was given, for every request. */
static void serve_echo(int lfd, int arg)
{
	(void)arg;
	FCGX_Init();
	FCGX_Request req;
	FCGX_InitRequest(&req, lfd, 0);
	static char in[1 << 21];
	while (FCGX_Accept_r(&req) >= 0) {
		int n = FCGX_GetStr(in, sizeof in, req.in);
		unsigned sum = 0;
		for (int i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)in[i];
		FCGX_FPrintF(req.out,
		             "Status: 201 Created\r\nContent-Type: text/plain\r\n"
		             "X-Method: %s\r\n\r\n",
		             FCGX_GetParam("REQUEST_METHOD", req.envp)
		                     ? FCGX_GetParam("REQUEST_METHOD", req.envp)
		                     : "-");
		for (char **e = req.envp; *e; e++) {
			const char *eq = strchr(*e, '=');
			if (strlen(*e) < 100) {
				FCGX_FPrintF(req.out, "%s\n", *e);
			} else { /* libfcgi's printf is not for long strings */
				FCGX_PutStr(*e, 8, req.out);
				FCGX_FPrintF(req.out, "…=%d\n", (int)strlen(eq + 1));
			}
		}
		FCGX_FPrintF(req.out, "BODY=%d:%08x\n", n, sum);
		FCGX_Finish_r(&req);
	}
}

/* Read one record's header and content from fd (blocking). Its type, or -1. */
static int read_record(int fd, unsigned char *content, size_t cap, size_t *len)
{
	unsigned char h[8];
	size_t got = 0;
	while (got < 8) {
		ssize_t r = read(fd, h + got, 8 - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	size_t n = ((size_t)h[4] << 8 | h[5]) + h[6];
	for (got = 0; got < n;) {
		unsigned char sink[4096];
		size_t want = n - got < sizeof sink ? n - got : sizeof sink;
		ssize_t r = read(fd, sink, want);
		if (r <= 0)
			return -1;
		if (content && got + (size_t)r <= cap)
			memcpy(content + got, sink, (size_t)r);
		got += (size_t)r;
	}
	if (len)
		*len = n - h[6];
	return h[1];
}

/* Read records until the empty STDIN one: the whole request. */
static void read_request(int fd)
{
	size_t len = 1;
	int type;
	while ((type = read_record(fd, NULL, 0, &len)) >= 0)
		if (type == 5 && len == 0)
			return;
}

static size_t rec(unsigned char *b, int type, int id, const void *content, size_t len, int pad)
{
	b[0] = 1;
	b[1] = (unsigned char)type;
	b[2] = (unsigned char)(id >> 8);
	b[3] = (unsigned char)id;
	b[4] = (unsigned char)(len >> 8);
	b[5] = (unsigned char)len;
	b[6] = (unsigned char)pad;
	b[7] = 0;
	memcpy(b + 8, content, len);
	memset(b + 8 + len, 0, (size_t)pad);
	return 8 + len + (size_t)pad;
}

static size_t end_rec(unsigned char *b, int protocol_status)
{
	unsigned char body[8] = { 0, 0, 0, 0, (unsigned char)protocol_status };
	return rec(b, 3, 1, body, 8, 0);
}

enum canned {
	C_OK_PADDED,    /* STDERR, STDOUT with padding, END */
	C_OK_BYTEWISE,  /* a good answer, one byte per write */
	C_GARBAGE,      /* an HTTP answer on a FastCGI socket */
	C_WRONG_ID,     /* STDOUT for request 2 */
	C_UNKNOWN_TYPE, /* a GET_VALUES_RESULT nobody asked for */
	C_SHORT_END,    /* END_REQUEST with 4 bytes */
	C_OVERLOADED,   /* END_REQUEST protocol status 2 */
	C_NO_HEADERS,   /* STDOUT without the empty line */
	C_BAD_STATUS,   /* Status: abc */
	C_CLOSE,        /* close at once */
	C_TRUNCATED,    /* a record cut short, then close */
	C_STALL,        /* read the request, never answer */
	C_HUGE,         /* 64 KiB of body */
	C_EARLY,        /* answer 413 after BEGIN_REQUEST only, then close */
	C_WHOLE_PAIRS,  /* 200 when every PARAMS record holds whole name-value pairs */
};

/* The length at b (1 or 4 bytes); moves *at past it. */
static size_t nv_len(const unsigned char *b, size_t *at)
{
	if (b[*at] < 128)
		return b[(*at)++];
	size_t n = ((size_t)(b[*at] & 0x7f) << 24) | ((size_t)b[*at + 1] << 16) |
	           ((size_t)b[*at + 2] << 8) | b[*at + 3];
	*at += 4;
	return n;
}

/* php-fpm parses each PARAMS record on its own: a pair must not straddle two. */
static int params_in_whole_pairs(int fd)
{
	static unsigned char c[65535 + 255];
	size_t len;
	int type, whole = 1;
	while ((type = read_record(fd, c, sizeof c, &len)) >= 0) {
		if (type == 5 && len == 0)
			break;
		if (type != 4)
			continue;
		size_t at = 0;
		while (at < len) {
			if (len - at < 8 && (len - at < 2 || c[at] >= 128 || c[at + 1] >= 128)) {
				whole = 0; /* not even both lengths in this record */
				break;
			}
			size_t nl = nv_len(c, &at);
			size_t vl = nv_len(c, &at);
			at += nl + vl;
		}
		if (at != len)
			whole = 0;
	}
	return whole;
}

static void serve_canned(int lfd, int what)
{
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return;
	static unsigned char out[1 << 17];
	size_t n = 0;
	const char ok[] =
	        "Status: 404 Not Found\r\nContent-Type: application/json\r\n\r\n{\"a\":1}";
	if (what == C_CLOSE) {
		close(fd);
		return;
	}
	if (what == C_EARLY) {
		read_record(fd, NULL, 0, NULL); /* BEGIN_REQUEST only */
		const char big[] = "Status: 413 Content Too Large\r\n\r\n";
		n += rec(out + n, 6, 1, big, sizeof big - 1, 0);
		n += end_rec(out + n, 0);
		if (write(fd, out, n) < 0)
			_exit(1);
		close(fd);
		return;
	}
	if (what == C_WHOLE_PAIRS) {
		const char *a = params_in_whole_pairs(fd) ? "Status: 200 OK\r\n\r\n"
		                                          : "Status: 500 Split\r\n\r\n";
		n += rec(out + n, 6, 1, a, strlen(a), 0);
		n += end_rec(out + n, 0);
		if (write(fd, out, n) < 0)
			_exit(1);
		close(fd);
		pause();
	}
	read_request(fd);
	switch (what) {
	case C_OK_PADDED:
		n += rec(out + n, 7, 1, "PHP Warning: x", 14, 2);
		n += rec(out + n, 6, 1, ok, 20, 4);
		n += rec(out + n, 6, 1, ok + 20, sizeof ok - 21, 7);
		n += rec(out + n, 6, 1, "", 0, 0);
		n += end_rec(out + n, 0);
		n += rec(out + n, 6, 1, "after the end", 13, 0); /* never looked at */
		break;
	case C_OK_BYTEWISE:
		n += rec(out + n, 6, 1, ok, sizeof ok - 1, 3);
		n += end_rec(out + n, 0);
		for (size_t i = 0; i < n; i++)
			if (write(fd, out + i, 1) != 1)
				_exit(1);
		n = 0;
		break;
	case C_GARBAGE:
		n = (size_t)snprintf((char *)out, sizeof out, "HTTP/1.1 200 OK\r\n\r\nhello");
		break;
	case C_WRONG_ID:
		n += rec(out + n, 6, 2, ok, sizeof ok - 1, 0);
		n += end_rec(out + n, 0);
		break;
	case C_UNKNOWN_TYPE:
		n += rec(out + n, 10, 1,
		         "\x01\x01"
		         "ab",
		         4, 0);
		n += end_rec(out + n, 0);
		break;
	case C_SHORT_END:
		n += rec(out + n, 6, 1, ok, sizeof ok - 1, 0);
		n += rec(out + n, 3, 1, "\0\0\0\0", 4, 0);
		break;
	case C_OVERLOADED:
		n += end_rec(out + n, 2);
		break;
	case C_NO_HEADERS:
		n += rec(out + n, 6, 1, "Status: 200 OK\r\n", 16, 0);
		n += end_rec(out + n, 0);
		break;
	case C_BAD_STATUS:
		n += rec(out + n, 6, 1, "Status: abc\r\n\r\nx", 16, 0);
		n += end_rec(out + n, 0);
		break;
	case C_TRUNCATED:
		n += rec(out + n, 6, 1, ok, sizeof ok - 1, 0);
		n -= 10;
		break;
	case C_STALL:
		pause();
		break;
	case C_HUGE: {
		static char body[65535];
		memset(body, 'x', sizeof body);
		memcpy(body, "Status: 200 OK\r\n\r\n", 18);
		n += rec(out + n, 6, 1, body, sizeof body, 0);
		n += end_rec(out + n, 0);
		break;
	}
	}
	if (n && write(fd, out, n) < 0)
		_exit(1);
	close(fd);
	pause(); /* the connection is closed; stay until killed */
}

static const struct fcgi_limits limits = { 1000, 3000, 1 << 20 };

static enum fcgi_result call_url(const char *url, const struct fcgi_limits *lim,
                                 struct fcgi_reply *r)
{
	struct fcgi_target t;
	char why[128];
	ck_assert_int_eq(fcgi_target_parse(url, &t, why, sizeof why), 0);
	const struct fcgi_param p[] = { { "REQUEST_METHOD", "GET" }, { "REQUEST_URI", "/x" } };
	return fcgi_call(&t, lim, p, 2, NULL, 0, r);
}

static enum fcgi_result canned(int what, const struct fcgi_limits *lim, struct fcgi_reply *r)
{
	struct fake f;
	fake_start(&f, 0, serve_canned, what);
	enum fcgi_result res = call_url(f.url, lim, r);
	fake_stop(&f);
	return res;
}

/* ---- BACKEND_URL ---- */

START_TEST(parse_urls)
{
	struct fcgi_target t;
	char why[128];
	ck_assert_int_eq(fcgi_target_parse("fcgi://unix:/run/b.sock", &t, why, sizeof why), 0);
	ck_assert_int_eq(t.is_unix, 1);
	ck_assert_str_eq(t.path, "/run/b.sock");
	ck_assert_int_eq(fcgi_target_parse("fcgi://backend.ns.svc:9000", &t, why, sizeof why), 0);
	ck_assert_int_eq(t.is_unix, 0);
	ck_assert_str_eq(t.host, "backend.ns.svc");
	ck_assert_str_eq(t.port, "9000");
	ck_assert_int_eq(fcgi_target_parse("fcgi://[::1]:9000", &t, why, sizeof why), 0);
	ck_assert_str_eq(t.host, "::1");
	ck_assert_int_eq(fcgi_url_is("fcgi://x:1"), 1);
	ck_assert_int_eq(fcgi_url_is("http://x:1"), 0);

	const char *bad[] = { "http://b:9000",        "fcgi://unix:",      "fcgi://unix:rel.sock",
		              "fcgi://backend",       "fcgi://backend:",   "fcgi://backend:0",
		              "fcgi://backend:65536", "fcgi://backend:9x", "fcgi://:9000",
		              "fcgi://b:9000/api",    "fcgi://u@b:9000",   "fcgi://[::1]9000",
		              "fcgi://[::1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		ck_assert_msg(fcgi_target_parse(bad[i], &t, why, sizeof why) == -1, "%s", bad[i]);
		ck_assert_msg(why[0] != '\0', "no reason for %s", bad[i]);
	}
	char longp[200] = "fcgi://unix:/";
	memset(longp + 13, 'a', 150);
	longp[163] = '\0';
	ck_assert_int_eq(fcgi_target_parse(longp, &t, why, sizeof why), -1);
}
END_TEST

/* ---- against libfcgi ---- */

static void check_echo(int tcp)
{
	struct fake f;
	fake_start(&f, tcp, serve_echo, 0);
	struct fcgi_target t;
	char why[128];
	ck_assert_int_eq(fcgi_target_parse(f.url, &t, why, sizeof why), 0);

	/* A value and a name past 127 bytes (4-byte lengths), a body over one record. */
	static char long_value[300], long_name[200], body[70000];
	memset(long_value, 'v', sizeof long_value - 1);
	memset(long_name, 'N', sizeof long_name - 1);
	for (size_t i = 0; i < sizeof body; i++)
		body[i] = (char)('a' + i % 26);
	const struct fcgi_param p[] = {
		{ "REQUEST_METHOD", "POST" },  { "EMPTY", "" },
		{ "LONG", long_value },        { long_name, "x" },
		{ "CONTENT_LENGTH", "70000" },
	};
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(fcgi_call(&t, &limits, p, 5, body, sizeof body, &r), FCGI_OK);
	ck_assert_int_eq(r.status, 201);
	char v[64];
	ck_assert_int_eq(fcgi_reply_header(&r, "x-method", v, sizeof v), 1);
	ck_assert_str_eq(v, "POST");
	ck_assert_int_eq(fcgi_reply_header(&r, "Content-Type", v, sizeof v), 1);
	ck_assert_str_eq(v, "text/plain");
	ck_assert_int_eq(fcgi_reply_header(&r, "Location", v, sizeof v), 0);
	unsigned sum = 0;
	for (size_t i = 0; i < sizeof body; i++)
		sum = sum * 31 + (unsigned char)body[i];
	char want[512];
	snprintf(want, sizeof want,
	         "FCGI_ROLE=RESPONDER\nREQUEST_METHOD=POST\nEMPTY=\nLONG=vvv…=299\nNNNNNNNN…="
	         "1\nCONTENT_LENGTH=70000\n"
	         "BODY=70000:%08x\n",
	         sum);
	ck_assert_str_eq(r.body, want);
	ck_assert_uint_eq(r.body_len, strlen(want));

	/* The same reply again: the buffers are reused, the answer is the new one. */
	const struct fcgi_param q[] = { { "REQUEST_METHOD", "GET" } };
	ck_assert_int_eq(fcgi_call(&t, &limits, q, 1, NULL, 0, &r), FCGI_OK);
	ck_assert_str_eq(r.body, "FCGI_ROLE=RESPONDER\nREQUEST_METHOD=GET\nBODY=0:00000000\n");
	fcgi_reply_free(&r);
	fake_stop(&f);
}

START_TEST(echo_unix)
{
	check_echo(0);
}
END_TEST

START_TEST(echo_tcp)
{
	check_echo(1);
}
END_TEST

START_TEST(param_over_one_record)
{
	struct fake f;
	fake_start(&f, 0, serve_echo, 0);
	struct fcgi_target t;
	char why[128];
	ck_assert_int_eq(fcgi_target_parse(f.url, &t, why, sizeof why), 0);
	static char big[100000];
	memset(big, 'q', sizeof big - 1);
	const struct fcgi_param p[] = { { "A", "1" }, { "BIG", big }, { "B", "2" } };
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(fcgi_call(&t, &limits, p, 3, NULL, 0, &r), FCGI_OK);
	ck_assert_str_eq(r.body,
	                 "FCGI_ROLE=RESPONDER\nA=1\nBIG=qqqq…=99999\nB=2\nBODY=0:00000000\n");
	fcgi_reply_free(&r);
	fake_stop(&f);
}
END_TEST

START_TEST(pairs_never_straddle_records)
{
	/* Three 30,000-byte values: the second would straddle the first record's end. */
	struct fake f;
	fake_start(&f, 0, serve_canned, C_WHOLE_PAIRS);
	struct fcgi_target t;
	char why[128];
	ck_assert_int_eq(fcgi_target_parse(f.url, &t, why, sizeof why), 0);
	static char v[30000];
	memset(v, 'w', sizeof v - 1);
	const struct fcgi_param p[] = { { "A", v }, { "B", v }, { "C", v }, { "D", "d" } };
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(fcgi_call(&t, &limits, p, 4, NULL, 0, &r), FCGI_OK);
	ck_assert_int_eq(r.status, 200);
	fcgi_reply_free(&r);
	fake_stop(&f);
}
END_TEST

START_TEST(host_name_resolved)
{
	struct fake f;
	fake_start(&f, 1, serve_echo, 0);
	char url[200];
	snprintf(url, sizeof url, "fcgi://localhost:%s", strrchr(f.url, ':') + 1);
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(call_url(url, &limits, &r), FCGI_OK);
	ck_assert_int_eq(r.status, 201);
	fcgi_reply_free(&r);
	fake_stop(&f);
}
END_TEST

/* ---- canned answers ---- */

START_TEST(padding_stderr_and_bytes_after_the_end)
{
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(canned(C_OK_PADDED, &limits, &r), FCGI_OK);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "{\"a\":1}");
	ck_assert_str_eq(r.stderr_head, "PHP Warning: x");
	fcgi_reply_free(&r);
}
END_TEST

START_TEST(answer_one_byte_at_a_time)
{
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(canned(C_OK_BYTEWISE, &limits, &r), FCGI_OK);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "{\"a\":1}");
	fcgi_reply_free(&r);
}
END_TEST

START_TEST(refuses_what_is_not_fastcgi)
{
	const struct {
		enum canned what;
		enum fcgi_result want;
	} cases[] = {
		{ C_GARBAGE, FCGI_E_PROTOCOL },      { C_WRONG_ID, FCGI_E_PROTOCOL },
		{ C_UNKNOWN_TYPE, FCGI_E_PROTOCOL }, { C_SHORT_END, FCGI_E_PROTOCOL },
		{ C_NO_HEADERS, FCGI_E_PROTOCOL },   { C_BAD_STATUS, FCGI_E_PROTOCOL },
		{ C_OVERLOADED, FCGI_E_REFUSED },    { C_CLOSE, FCGI_E_CLOSED },
		{ C_TRUNCATED, FCGI_E_CLOSED },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fcgi_reply r = { 0 };
		enum fcgi_result res = canned(cases[i].what, &limits, &r);
		ck_assert_msg(res == cases[i].want, "case %zu: %s, not %s", i,
		              fcgi_result_text(res), fcgi_result_text(cases[i].want));
		ck_assert_str_eq(r.body, "");
		ck_assert_uint_eq(r.body_len, 0);
		fcgi_reply_free(&r);
	}
}
END_TEST

START_TEST(a_stalled_pool_times_out)
{
	const struct fcgi_limits quick = { 1000, 300, 1 << 20 };
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(canned(C_STALL, &quick, &r), FCGI_E_TIMEOUT);
	fcgi_reply_free(&r);
}
END_TEST

START_TEST(an_answer_over_the_limit_is_refused)
{
	const struct fcgi_limits small = { 1000, 3000, 65534 };
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(canned(C_HUGE, &small, &r), FCGI_E_TOO_LARGE);
	const struct fcgi_limits enough = { 1000, 3000, 65535 };
	ck_assert_int_eq(canned(C_HUGE, &enough, &r), FCGI_OK);
	ck_assert_uint_eq(r.body_len, 65535 - 18);
	fcgi_reply_free(&r);
}
END_TEST

START_TEST(an_answer_before_the_body_was_read)
{
	/* The pool answers and closes while a large body is still being sent. */
	struct fake f;
	fake_start(&f, 0, serve_canned, C_EARLY);
	struct fcgi_target t;
	char why[128];
	ck_assert_int_eq(fcgi_target_parse(f.url, &t, why, sizeof why), 0);
	static char body[1 << 20];
	memset(body, 'b', sizeof body);
	const struct fcgi_param p[] = { { "REQUEST_METHOD", "POST" } };
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(fcgi_call(&t, &limits, p, 1, body, sizeof body, &r), FCGI_OK);
	ck_assert_int_eq(r.status, 413);
	fcgi_reply_free(&r);
	fake_stop(&f);
}
END_TEST

START_TEST(no_pool_is_a_connect_error)
{
	struct fcgi_reply r = { 0 };
	ck_assert_int_eq(call_url("fcgi://unix:/nonexistent/dir/pool.sock", &limits, &r),
	                 FCGI_E_CONNECT);
	/* A port nobody listens on: bind one, learn its number, close it. */
	struct fake f;
	int fd = fake_listen(&f, 1);
	close(fd);
	ck_assert_int_eq(call_url(f.url, &limits, &r), FCGI_E_CONNECT);
	ck_assert_int_eq(call_url("fcgi://no-such-host.invalid:9000", &limits, &r), FCGI_E_CONNECT);
	fcgi_reply_free(&r);
}
END_TEST

/* ---- the API client over fcgi:// ---- */

/* An editor's calls carry their bearer token as a web server passes the header
 * (HTTP_AUTHORIZATION), a visitor's none; the single sign-on call passes on the
 * SSO_USER nginx gave the frontend, and not the browser's cookies. */
START_TEST(api_client_credentials_over_fcgi)
{
	struct fake f;
	fake_start(&f, 0, serve_echo, 0);
	struct api_client c;
	ck_assert_int_eq(api_client_config(&c, f.url, 1000, 3000), 0);
	ck_assert_int_eq(api_client_open(&c), 0);
	struct api_error e;
	const struct principal ann = { .kind = PRINCIPAL_EDITOR,
		                       .name = "ann",
		                       .credential = "fus_abc" };
	api_client_act_for(&c, &ann);
	/* The echo answers 201, not the 204 a delete wants: only what was sent matters. */
	api_delete_user(&c, 7, &e);
	ck_assert_ptr_nonnull(strstr(c.reply.body, "\nHTTP_AUTHORIZATION=Bearer fus_abc\n"));
	ck_assert_ptr_null(strstr(c.reply.body, "SSO_USER"));
	api_client_act_for(&c, NULL);
	api_delete_user(&c, 7, &e);
	ck_assert_ptr_nonnull(strstr(c.reply.body, "REQUEST_METHOD=DELETE"));
	ck_assert_ptr_null(strstr(c.reply.body, "HTTP_AUTHORIZATION"));
	struct api_session s;
	api_sign_in_sso(&c, "_oauth2_proxy=secret", "ann@example.org", &s, &e);
	ck_assert_ptr_nonnull(strstr(c.reply.body, "\nSSO_USER=ann@example.org\n"));
	ck_assert_ptr_null(strstr(c.reply.body, "_oauth2_proxy"));
	/* The next call is an ordinary one again. */
	api_delete_user(&c, 7, &e);
	ck_assert_ptr_null(strstr(c.reply.body, "SSO_USER"));
	api_client_close(&c);
	fake_stop(&f);
}
END_TEST

/* An accepted form's nonce goes with the request's first write, as a web server passes
 * the Form-Nonce header (HTTP_FORM_NONCE), once: not with a read before it, not with a
 * second write, not with the next request's calls. */
START_TEST(api_client_form_nonce_over_fcgi)
{
	struct fake f;
	fake_start(&f, 0, serve_echo, 0);
	struct api_client c;
	ck_assert_int_eq(api_client_config(&c, f.url, 1000, 3000), 0);
	ck_assert_int_eq(api_client_open(&c), 0);
	struct api_error e;
	struct api_user u;
	const char *nonce = "0123456789abcdef0123456789abcdef";
	api_client_act_for(&c, NULL);
	api_client_spend_form(&c, nonce, 1700003600);
	api_get_user(&c, 7, &u, &e); /* a read first: the rename page reads the user */
	ck_assert_ptr_nonnull(strstr(c.reply.body, "REQUEST_METHOD=GET"));
	ck_assert_ptr_null(strstr(c.reply.body, "HTTP_FORM_NONCE"));
	api_rename_user(&c, 7, "Ann", &u, &e);
	ck_assert_ptr_nonnull(strstr(c.reply.body, "REQUEST_METHOD=PATCH"));
	ck_assert_ptr_nonnull(strstr(
	        c.reply.body, "\nHTTP_FORM_NONCE=0123456789abcdef0123456789abcdef.1700003600\n"));
	api_delete_user(&c, 7, &e);
	ck_assert_ptr_null(strstr(c.reply.body, "HTTP_FORM_NONCE"));
	/* The next request starts without one. */
	api_client_spend_form(&c, nonce, 1700003600);
	api_client_act_for(&c, NULL);
	api_delete_user(&c, 7, &e);
	ck_assert_ptr_null(strstr(c.reply.body, "HTTP_FORM_NONCE"));
	api_client_close(&c);
	fake_stop(&f);
}
END_TEST

/* ---- the parser alone ---- */

static enum fcgi_result parse_all(const unsigned char *b, size_t n, size_t max,
                                  struct fcgi_reply *r)
{
	struct fcgi_parser p;
	fcgi_parser_init(&p, r, max);
	enum fcgi_result res = fcgi_parser_feed(&p, b, n);
	if (res == FCGI_OK && !p.done)
		return FCGI_E_CLOSED;
	return res == FCGI_OK ? fcgi_reply_finish(r) : res;
}

START_TEST(parser_header_forms)
{
	unsigned char b[512];
	struct fcgi_reply r = { 0 };
	const struct {
		const char *out;
		int status;
		const char *body;
	} ok[] = {
		{ "Content-Type: text/html\n\nhi", 200, "hi" },
		{ "\r\nbody only", 200, "body only" },
		{ "status:  503 Service Unavailable\r\nRetry-After: 1\r\n\r\n", 503, "" },
		{ "Status: 204\r\n\r\n", 204, "" },
		{ "A: 1\r\n\r\nx\r\n\r\ny", 200, "x\r\n\r\ny" },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		size_t n = rec(b, 6, 1, ok[i].out, strlen(ok[i].out), 0);
		n += end_rec(b + n, 0);
		ck_assert_int_eq(parse_all(b, n, 4096, &r), FCGI_OK);
		ck_assert_int_eq(r.status, ok[i].status);
		ck_assert_str_eq(r.body, ok[i].body);
	}
	const char *bad[] = {
		"Status: 99 Low\r\n\r\n", "Status: 600\r\n\r\n", "Status: 2000\r\n\r\n",
		"no colon here\r\n\r\n",  ": v\r\n\r\n",         "Status: 20x\r\n\r\n"
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = rec(b, 6, 1, bad[i], strlen(bad[i]), 0);
		n += end_rec(b + n, 0);
		ck_assert_msg(parse_all(b, n, 4096, &r) == FCGI_E_PROTOCOL, "%s", bad[i]);
	}
	/* No STDOUT at all, and a NUL inside the headers. */
	size_t n = end_rec(b, 0);
	ck_assert_int_eq(parse_all(b, n, 4096, &r), FCGI_E_PROTOCOL);
	n = rec(b, 6, 1, "A: \0\r\n\r\n", 8, 0);
	n += end_rec(b + n, 0);
	ck_assert_int_eq(parse_all(b, n, 4096, &r), FCGI_E_PROTOCOL);
	/* A version other than 1. */
	n = rec(b, 6, 1, "A: b\r\n\r\n", 8, 0);
	n += end_rec(b + n, 0);
	b[0] = 2;
	ck_assert_int_eq(parse_all(b, n, 4096, &r), FCGI_E_PROTOCOL);
	fcgi_reply_free(&r);
}
END_TEST

static Suite *suite(void)
{
	const TTest *const url_tests[] = { parse_urls, NULL };
	const TTest *const libfcgi_tests[] = { echo_unix, echo_tcp, param_over_one_record,
		                               host_name_resolved, NULL };
	const TTest *const canned_tests[] = { padding_stderr_and_bytes_after_the_end,
		                              answer_one_byte_at_a_time,
		                              refuses_what_is_not_fastcgi,
		                              a_stalled_pool_times_out,
		                              an_answer_over_the_limit_is_refused,
		                              an_answer_before_the_body_was_read,
		                              pairs_never_straddle_records,
		                              no_pool_is_a_connect_error,
		                              api_client_credentials_over_fcgi,
		                              api_client_form_nonce_over_fcgi,
		                              NULL };
	const TTest *const parser_tests[] = { parser_header_forms, NULL };
	Suite *s = check_suite("fcgi_client", (const struct check_case[]){
	                                              { .name = "url", .tests = url_tests },
	                                              { .name = "libfcgi", .tests = libfcgi_tests },
	                                              { .name = "canned", .tests = canned_tests },
	                                              { .name = "parser", .tests = parser_tests },
	                                              { 0 } });
	return s;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return check_run(suite());
}
