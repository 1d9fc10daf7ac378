/*
 * Unit tests of the generic HTTP layer: urlencoded parsing, UTF-8 and user-name
 * validation, routing (404/405 + Allow), body limits and content types, input
 * validation answers (400/404/422), and the response format. Requests are driven from
 * memory through struct http_io.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "utf8.h"

struct mem {
	const char *in;
	size_t inlen, inpos;
	char out[65536];
	size_t outlen;
};

static int mem_read(void *h, char *buf, int n)
{
	struct mem *m = h;
	size_t left = m->inlen - m->inpos;
	size_t k = (size_t)n < left ? (size_t)n : left;
	memcpy(buf, m->in + m->inpos, k);
	m->inpos += k;
	return (int)k;
}

static int mem_write(void *h, const char *buf, int n)
{
	struct mem *m = h;
	memcpy(m->out + m->outlen, buf, (size_t)n);
	m->outlen += (size_t)n;
	m->out[m->outlen] = '\0';
	return n;
}

static char last_id[64];
static void h_show(struct request *r, void *ctx)
{
	(void)ctx;
	snprintf(last_id, sizeof last_id, "%lld", r->in[0].num);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->in[0].num);
	resp_json(r, 200, o);
	cJSON_Delete(o);
}

static void h_create(struct request *r, void *ctx)
{
	(void)ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "userName", r->in[0].str);
	resp_header(r, "Location", "/x/1");
	resp_json(r, 201, o);
	cJSON_Delete(o);
}

static void h_list(struct request *r, void *ctx)
{
	(void)ctx;
	char b[64];
	snprintf(b, sizeof b, "%lld %s", r->in[0].num, r->in[1].present ? r->in[1].str : "-");
	resp_send(r, 200, "text/plain", b, strlen(b));
}

static void h_form(struct request *r, void *ctx)
{
	(void)ctx;
	char b[64];
	snprintf(b, sizeof b, "errors=%zu name=%s", r->nerrors,
	         r->in[0].present ? r->in[0].str : "-");
	resp_send(r, 200, "text/plain", b, strlen(b));
}

static void h_silent(struct request *r, void *ctx)
{
	(void)r;
	(void)ctx;
}

static const struct input_def show_in[] = {
	{ "id", IN_PATH, INPUT_REQUIRED, valid_int, 1, 2147483647, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
static const struct input_def create_in[] = {
	{ "userName", IN_JSON, INPUT_REQUIRED, valid_user_name, 0, 0, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
static const struct input_def list_in[] = {
	{ "limit", IN_QUERY, 0, valid_int, 1, 100, "50" },
	{ "q", IN_QUERY, 0, valid_text, 0, 30, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};
static const struct input_def form_in[] = {
	{ "name", IN_FORM, INPUT_REQUIRED, valid_user_name, 0, 0, NULL },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};

static const struct route routes[] = {
	{ METHOD_GET, "/x", h_list, list_in, 0 },
	{ METHOD_POST, "/x", h_create, create_in, 0 },
	{ METHOD_GET | METHOD_DELETE, "/x/{id}", h_show, show_in, 0 },
	{ METHOD_POST, "/form", h_form, form_in, ROUTE_HANDLE_INVALID },
	{ METHOD_GET, "/silent", h_silent, NULL, 0 },
};
static const struct http_app app = {
	"test", routes, sizeof routes / sizeof routes[0], 0, NULL, NULL
};

static struct mem m;

/* Serve method uri with optional content type and body; returns the status. */
static int serve(const char *method, const char *uri, const char *ctype, const char *body)
{
	char e_method[64], e_uri[512], e_ct[128], e_cl[64];
	snprintf(e_method, sizeof e_method, "REQUEST_METHOD=%s", method);
	snprintf(e_uri, sizeof e_uri, "REQUEST_URI=%s", uri);
	snprintf(e_ct, sizeof e_ct, "CONTENT_TYPE=%s", ctype ? ctype : "");
	snprintf(e_cl, sizeof e_cl, "CONTENT_LENGTH=%zu", body ? strlen(body) : 0);
	char *envp[] = { e_method, e_uri, e_ct, e_cl, NULL };
	memset(&m, 0, sizeof m);
	m.in = body ? body : "";
	m.inlen = body ? strlen(body) : 0;
	struct http_io io = { &m, mem_read, mem_write };
	http_serve(&app, envp, &io, NULL);
	int status = 0;
	sscanf(m.out, "Status: %d", &status);
	return status;
}

static const char *body_of(void)
{
	const char *b = strstr(m.out, "\r\n\r\n");
	return b ? b + 4 : "";
}

START_TEST(urlencoded_decodes)
{
	struct params p = { 0 };
	ck_assert_int_eq(urlencoded_parse("a=1&b=x+y%21&&c&d=%00z", 22, &p), 0);
	ck_assert_uint_eq(p.n, 4);
	ck_assert_str_eq(params_get(&p, "a"), "1");
	ck_assert_str_eq(params_get(&p, "b"), "x y!");
	ck_assert_str_eq(params_get(&p, "c"), "");
	ck_assert_uint_eq(params_find(&p, "d")->len, 2);
	params_free(&p);
	ck_assert_int_eq(urlencoded_parse("a=%4", 4, &p), -1);
	params_free(&p);
	ck_assert_int_eq(urlencoded_parse("a=%zz", 5, &p), -1);
	params_free(&p);
	char *e = url_encode("a b/é");
	ck_assert_str_eq(e, "a%20b%2F%C3%A9");
	free(e);
}
END_TEST

START_TEST(utf8_strict)
{
	ck_assert_int_eq(utf8_count("abc", 3), 3);
	ck_assert_int_eq(utf8_count("\xc3\xa9\xf0\x9f\x98\x80", 6), 2);
	ck_assert_int_eq(utf8_count("\xc0\xaf", 2), -1);         /* overlong */
	ck_assert_int_eq(utf8_count("\xed\xa0\x80", 3), -1);     /* surrogate */
	ck_assert_int_eq(utf8_count("\xf4\x90\x80\x80", 4), -1); /* > U+10FFFF */
	ck_assert_int_eq(utf8_count("\xe2\x82", 2), -1);         /* truncated */
	ck_assert_int_eq(utf8_count("\xff", 1), -1);
	ck_assert_int_eq(utf8_has_control("a\tb", 3), 1);
	ck_assert_int_eq(utf8_has_control("a\xc2\x85", 3), 1); /* C1 NEL */
	ck_assert_int_eq(utf8_has_control("a b", 3), 0);
}
END_TEST

START_TEST(user_names)
{
	ck_assert_ptr_null(user_name_problem("Bob", 3));
	ck_assert_ptr_null(user_name_problem("O'Brien \"x\" 100%_\\", 18));
	ck_assert_ptr_null(user_name_problem("\xf0\x9f\x98\x80", 4));
	ck_assert_ptr_null(user_name_problem("123456789012345678901234567890", 30));
	ck_assert_str_eq(user_name_problem("1234567890123456789012345678901", 31),
	                 "must be 1 to 30 characters");
	/* 30 four-byte characters are 30 characters */
	char big[121] = "";
	for (int i = 0; i < 30; i++)
		strcat(big, "\xf0\x9f\x98\x80");
	ck_assert_ptr_null(user_name_problem(big, 120));
	ck_assert_ptr_nonnull(user_name_problem("", 0));
	ck_assert_ptr_nonnull(user_name_problem(" Bob", 4));
	ck_assert_ptr_nonnull(user_name_problem("Bob ", 4));
	ck_assert_ptr_nonnull(user_name_problem("Bob\xc2\xa0", 5));
	ck_assert_ptr_nonnull(user_name_problem("a\nb", 3));
	ck_assert_ptr_nonnull(user_name_problem("a\0b", 3));
	ck_assert_ptr_nonnull(user_name_problem("\xc3\x28", 2));
}
END_TEST

START_TEST(routes_and_methods)
{
	ck_assert_int_eq(serve("GET", "/x/42", NULL, NULL), 200);
	ck_assert_str_eq(last_id, "42");
	ck_assert_int_eq(serve("GET", "/nowhere", NULL, NULL), 404);
	ck_assert_ptr_nonnull(strstr(m.out, "application/problem+json"));
	ck_assert_int_eq(serve("PUT", "/x/42", NULL, NULL), 405);
	ck_assert_ptr_nonnull(strstr(m.out, "Allow: GET, HEAD, DELETE\r\n"));
	ck_assert_int_eq(serve("PATCH", "/x", NULL, NULL), 405);
	ck_assert_ptr_nonnull(strstr(m.out, "Allow: GET, HEAD, POST\r\n"));
	ck_assert_int_eq(serve("GET", "/x/abc", NULL, NULL), 404); /* invalid path input */
	ck_assert_int_eq(serve("GET", "/x/0", NULL, NULL), 404);   /* below min */
	ck_assert_int_eq(serve("GET", "/x/42/", NULL, NULL), 404); /* no trailing slash */
	ck_assert_int_eq(serve("HEAD", "/x/42", NULL, NULL), 200);
	ck_assert_str_eq(body_of(), "");
	ck_assert_int_eq(serve("GET", "/silent", NULL, NULL), 500);
}
END_TEST

START_TEST(query_inputs)
{
	ck_assert_int_eq(serve("GET", "/x", NULL, NULL), 200);
	ck_assert_str_eq(body_of(), "50 -");
	ck_assert_int_eq(serve("GET", "/x?limit=7&q=a%25b", NULL, NULL), 200);
	ck_assert_str_eq(body_of(), "7 a%b");
	ck_assert_int_eq(serve("GET", "/x?limit=0", NULL, NULL), 400);
	ck_assert_ptr_nonnull(strstr(body_of(), "\"field\":\"limit\""));
	ck_assert_int_eq(serve("GET", "/x?limit=abc", NULL, NULL), 400);
	ck_assert_int_eq(serve("GET", "/x?q=%ff", NULL, NULL), 400);
	ck_assert_int_eq(serve("GET", "/x?q=%f", NULL, NULL), 400);
}
END_TEST

START_TEST(json_bodies)
{
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{\"userName\":\"Zoë\"}"), 201);
	ck_assert_ptr_nonnull(strstr(m.out, "Location: /x/1\r\n"));
	ck_assert_str_eq(body_of(), "{\"userName\":\"Zoë\"}");
	ck_assert_int_eq(
	        serve("POST", "/x", "application/json; charset=utf-8", "{\"userName\":\"a\"}"),
	        201);
	ck_assert_int_eq(serve("POST", "/x", "text/plain", "{\"userName\":\"a\"}"), 415);
	ck_assert_int_eq(serve("POST", "/x", NULL, "{\"userName\":\"a\"}"), 415);
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{\"userName\":"), 400);
	ck_assert_int_eq(serve("POST", "/x", "application/json", "[1]"), 400);
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{\"userName\":\"a\"} x"), 400);
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{\"userName\":\"a\\u0000b\"}"),
	                 400);
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{}"), 422);
	ck_assert_ptr_nonnull(
	        strstr(body_of(), "{\"field\":\"userName\",\"message\":\"is required\"}"));
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{\"userName\":5}"), 422);
	ck_assert_ptr_nonnull(strstr(body_of(), "must be a string"));
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{\"userName\":\"\xff\"}"), 422);
	ck_assert_ptr_nonnull(strstr(body_of(), "UTF-8"));
	ck_assert_int_eq(serve("POST", "/x", "application/json", "{\"userName\":\"a\",\"x\":1}"),
	                 422);
	ck_assert_ptr_nonnull(strstr(body_of(), "\"field\":\"x\""));
	static char big[20000];
	memset(big, ' ', sizeof big - 1);
	big[0] = '{';
	big[sizeof big - 2] = '}';
	ck_assert_int_eq(serve("POST", "/x", "application/json", big), 413);
}
END_TEST

START_TEST(form_bodies)
{
	ck_assert_int_eq(serve("POST", "/form", "application/x-www-form-urlencoded", "name=Bob+B"),
	                 200);
	ck_assert_str_eq(body_of(), "errors=0 name=Bob B");
	/* ROUTE_HANDLE_INVALID: the handler sees the errors */
	ck_assert_int_eq(serve("POST", "/form", "application/x-www-form-urlencoded", "name="), 200);
	ck_assert_str_eq(body_of(), "errors=1 name=-");
	ck_assert_int_eq(serve("POST", "/form", "application/json", "{}"), 415);
}
END_TEST

START_TEST(response_headers)
{
	struct request r;
	char *envp[] = { NULL };
	memset(&m, 0, sizeof m);
	struct http_io io = { &m, mem_read, mem_write };
	ck_assert_int_eq(request_init(&r, envp, &io), 0);
	ck_assert_int_eq(resp_header(&r, "X-A", "1\r\nSet-Cookie: x"), -1);
	ck_assert_int_eq(resp_header(&r, "X-A", "1"), 0);
	resp_no_content(&r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(m.out, "Status: 204 No Content\r\nX-A: 1\r\n\r\n");
	resp_send(&r, 200, "text/plain", "x", 1); /* ignored: already answered */
	ck_assert_int_eq(r.status, 204);
	request_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, urlencoded_decodes);
	tcase_add_test(tc, utf8_strict);
	tcase_add_test(tc, user_names);
	tcase_add_test(tc, routes_and_methods);
	tcase_add_test(tc, query_inputs);
	tcase_add_test(tc, json_bodies);
	tcase_add_test(tc, form_bodies);
	tcase_add_test(tc, response_headers);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
