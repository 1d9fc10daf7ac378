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

#include "check_run.h"
#include "http.h"
#include "http_double.h"
#include "users_contract.h"
#include "utf8.h"

static char last_id[64];
static void h_show(struct request *r, void *svc)
{
	(void)svc;
	snprintf(last_id, sizeof last_id, "%lld", r->in[0].num);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->in[0].num);
	resp_json(r, 200, o);
	cJSON_Delete(o);
}

static void h_create(struct request *r, void *svc)
{
	(void)svc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "userName", r->in[0].str);
	resp_header(r, "Location", "/x/1");
	resp_json(r, 201, o);
	cJSON_Delete(o);
}

static void h_list(struct request *r, void *svc)
{
	(void)svc;
	char b[64];
	snprintf(b, sizeof b, "%lld %s", r->in[0].num, r->in[1].present ? r->in[1].str : "-");
	resp_send(r, 200, "text/plain", b, strlen(b));
}

static void h_form(struct request *r, void *svc)
{
	(void)svc;
	char b[64];
	snprintf(b, sizeof b, "errors=%zu name=%s", r->nerrors,
	         r->in[0].present ? r->in[0].str : "-");
	resp_send(r, 200, "text/plain", b, strlen(b));
}

/* A problem of its own type (RFC 9457 §3.1), with one more member. */
static void h_typed(struct request *r, void *svc)
{
	(void)svc;
	cJSON *extra = cJSON_CreateObject();
	cJSON_AddStringToObject(extra, "type", "tag:example,2026:typed");
	cJSON_AddStringToObject(extra, "title", "Typed problem");
	cJSON_AddNumberToObject(extra, "more", 1);
	resp_problem_with(r, 409, "why", extra);
	ck_assert_ptr_null(extra->child); /* moved or consumed */
	cJSON_Delete(extra);
}

static void h_silent(struct request *r, void *svc)
{
	(void)r;
	(void)svc;
}

static const struct input_def show_in[] = {
	{ .name = "id",
	  .src = IN_PATH,
	  .flags = INPUT_REQUIRED,
	  .check = valid_int,
	  .min = 1,
	  .max = 2147483647 },
	{ 0 },
};
static const struct input_def create_in[] = {
	{ .name = "userName", .src = IN_JSON, .flags = INPUT_REQUIRED, .check = valid_user_name },
	{ 0 },
};
static const struct input_def list_in[] = {
	{ .name = "limit",
	  .src = IN_QUERY,
	  .check = valid_int,
	  .min = 1,
	  .max = 100,
	  .fallback = "50" },
	{ .name = "q", .src = IN_QUERY, .check = valid_text, .max = 30 },
	{ 0 },
};
static const struct input_def form_in[] = {
	{ .name = "name", .src = IN_FORM, .flags = INPUT_REQUIRED, .check = valid_user_name },
	{ 0 },
};

/* The service of these tests: what the CSRF hook was told, and its verdict. */
struct test_svc {
	int csrf_calls;
	int csrf_ok;
	int handled;
};

static void h_guarded(struct request *r, void *svc)
{
	struct test_svc *t = svc;
	t->handled++;
	char b[64];
	snprintf(b, sizeof b, "errors=%zu", r->nerrors);
	resp_send(r, 200, "text/plain", b, strlen(b));
}

static int check_csrf(struct request *r, void *svc)
{
	struct test_svc *t = svc;
	t->csrf_calls++;
	if (t->csrf_ok && params_get(&r->form, "token"))
		return 0;
	http_error(r, 403, "bad token");
	return -1;
}

static const struct route routes[] = {
	{ .methods = METHOD_GET, .pattern = "/x", .handler = h_list, .inputs = list_in },
	{ .methods = METHOD_POST, .pattern = "/x", .handler = h_create, .inputs = create_in },
	{ .methods = METHOD_GET | METHOD_DELETE,
	  .pattern = "/x/{id}",
	  .handler = h_show,
	  .inputs = show_in },
	{ .methods = METHOD_POST,
	  .pattern = "/form",
	  .handler = h_form,
	  .inputs = form_in,
	  .flags = ROUTE_HANDLE_INVALID },
	{ .methods = METHOD_GET, .pattern = "/silent", .handler = h_silent },
	{ .methods = METHOD_GET, .pattern = "/typed", .handler = h_typed },
	{ .methods = METHOD_POST,
	  .pattern = "/guarded/{id}",
	  .handler = h_guarded,
	  .inputs = show_in,
	  .flags = ROUTE_CSRF | ROUTE_HANDLE_INVALID },
};
static const struct http_app app = {
	.name = "test",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.check_csrf = check_csrf,
};

static struct http_double d;
static struct test_svc svc;

/* Serve method uri with optional content type and body; returns the status. */
static int serve(const char *method, const char *uri, const char *ctype, const char *body)
{
	return http_double_serve(
	        &d, &app, &svc,
	        &(struct http_double_request){
	                .method = method, .uri = uri, .content_type = ctype, .body = body });
}

static const char *body_of(void)
{
	return d.body;
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
	ck_assert_ptr_nonnull(user_name_problem("   ", 3));
	/* Surrounding spaces are trimmed, not refused (the API documents it). */
	ck_assert_ptr_null(user_name_problem(" Bob", 4));
	ck_assert_ptr_null(user_name_problem("Bob\xc2\xa0", 5));
	ck_assert_str_eq(user_name_problem("Bob\xe2\x80\x8b", 6),
	                 "must not contain invisible or formatting characters");
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
	ck_assert_ptr_nonnull(strstr(d.out, "application/problem+json"));
	ck_assert_int_eq(serve("PUT", "/x/42", NULL, NULL), 405);
	ck_assert_ptr_nonnull(strstr(d.out, "Allow: GET, HEAD, DELETE\r\n"));
	ck_assert_int_eq(serve("PATCH", "/x", NULL, NULL), 405);
	ck_assert_ptr_nonnull(strstr(d.out, "Allow: GET, HEAD, POST\r\n"));
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
	ck_assert_ptr_nonnull(strstr(d.out, "Location: /x/1\r\n"));
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
	/* The handler gets the canonical name: trimmed, NFC. */
	ck_assert_int_eq(
	        serve("POST", "/x", "application/json", "{\"userName\":\"  Jose\xcc\x81 \"}"), 201);
	ck_assert_str_eq(body_of(), "{\"userName\":\"Jos\xc3\xa9\"}");
}
END_TEST

/* Every byte of the answer's body is valid UTF-8. */
static int body_is_utf8(void)
{
	return utf8_count(body_of(), strlen(body_of())) >= 0;
}

START_TEST(problems_are_always_utf8)
{
	/* Issue 20: a member name with invalid bytes was echoed raw in errors[].field. */
	ck_assert_int_eq(
	        serve("POST", "/x", "application/json", "{\"userName\":\"a\",\"x\xff\xfey\":1}"),
	        422);
	ck_assert(body_is_utf8());
	ck_assert_ptr_nonnull(strstr(body_of(), "\"field\":\"x\xef\xbf\xbd\xef\xbf\xbdy\""));
	/* A long member name of two-byte characters is cut between characters. */
	char json[300] = "{\"userName\":\"a\",\"";
	for (int i = 0; i < 40; i++)
		strcat(json, "\xc3\xa9");
	strcat(json, "\":1}");
	ck_assert_int_eq(serve("POST", "/x", "application/json", json), 422);
	ck_assert(body_is_utf8());
	/* Overlong, surrogate and cut sequences too. */
	ck_assert_int_eq(serve("POST", "/x", "application/json",
	                       "{\"userName\":\"a\",\"\xc0\xaf\xed\xa0\x80\xe2\x82\":1}"),
	                 422);
	ck_assert(body_is_utf8());
	/* The repair itself: bad bytes become U+FFFD, a cut never splits a character. */
	char out[8];
	ck_assert_uint_eq(utf8_repair(out, sizeof out,
	                              "a\xff"
	                              "b",
	                              3),
	                  5);
	ck_assert_str_eq(out, "a\xef\xbf\xbd"
	                      "b");
	ck_assert_uint_eq(utf8_repair(out, 5, "ab\xc3\xa9\xc3\xa9", 6), 4);
	ck_assert_str_eq(out, "ab\xc3\xa9");
	ck_assert_uint_eq(utf8_repair(out, 4, "ab\xc3\xa9", 4), 2);
	ck_assert_str_eq(out, "ab");
	static char big[20000];
	memset(big, ' ', sizeof big - 1);
	big[0] = '{';
	big[sizeof big - 2] = '}';
	ck_assert_int_eq(serve("POST", "/x", "application/json", big), 413);
}
END_TEST

/* A problem's own type and title replace about:blank and the status text, once each;
 * other problems keep about:blank. */
START_TEST(problem_types)
{
	ck_assert_int_eq(serve("GET", "/typed", NULL, NULL), 409);
	ck_assert_str_eq(body_of(), "{\"type\":\"tag:example,2026:typed\",\"title\":\"Typed "
	                            "problem\",\"status\":409,\"detail\":\"why\",\"more\":1}");
	ck_assert_int_eq(serve("GET", "/nope", NULL, NULL), 404);
	ck_assert_ptr_nonnull(strstr(body_of(), "\"type\":\"about:blank\""));
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

START_TEST(csrf_route_flag)
{
	const char *form = "application/x-www-form-urlencoded";
	/* Refused: 403 from the app's check, and the handler never runs. */
	memset(&svc, 0, sizeof svc);
	ck_assert_int_eq(serve("POST", "/guarded/7", form, "token=x"), 403);
	ck_assert_int_eq(svc.csrf_calls, 1);
	ck_assert_int_eq(svc.handled, 0);
	/* Checked before validation: a forged form with a bad id or field is 403 too. */
	ck_assert_int_eq(serve("POST", "/guarded/abc", form, "token=x"), 403);
	ck_assert_int_eq(svc.handled, 0);
	/* And after the body checks: a form that is not a form is 415, not checked. */
	ck_assert_int_eq(serve("POST", "/guarded/7", "application/json", "{}"), 415);
	ck_assert_int_eq(svc.csrf_calls, 2);
	/* Accepted: the handler runs. An invalid path input is still 404. */
	svc.csrf_ok = 1;
	ck_assert_int_eq(serve("POST", "/guarded/7", form, "token=x"), 200);
	ck_assert_int_eq(svc.handled, 1);
	ck_assert_int_eq(serve("POST", "/guarded/0", form, "token=x"), 404);
	ck_assert_int_eq(svc.handled, 1);
	/* A CSRF route in an app without the check fails closed. */
	struct http_app bare = app;
	bare.check_csrf = NULL;
	ck_assert_int_eq(http_double_serve(&d, &bare, &svc,
	                                   &(struct http_double_request){ .method = "POST",
	                                                                  .uri = "/guarded/7",
	                                                                  .content_type = form,
	                                                                  .body = "token=x" }),
	                 500);
	ck_assert_int_eq(svc.handled, 1);
}
END_TEST

START_TEST(response_headers)
{
	struct request r;
	char *envp[] = { NULL };
	http_double_clear(&d);
	struct http_io io = http_double_io(&d);
	ck_assert_int_eq(request_init(&r, envp, &io), 0);
	ck_assert_int_eq(resp_header(&r, "X-A", "1\r\nSet-Cookie: x"), -1);
	ck_assert_int_eq(resp_header(&r, "X-A", "1"), 0);
	resp_no_content(&r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(d.out, "Status: 204 No Content\r\nX-A: 1\r\n\r\n");
	resp_send(&r, 200, "text/plain", "x", 1); /* ignored: already answered */
	ck_assert_int_eq(r.status, 204);
	request_free(&r);
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { urlencoded_decodes,       utf8_strict,      user_names,
		                            routes_and_methods,       query_inputs,     json_bodies,
		                            problems_are_always_utf8, problem_types,    form_bodies,
		                            csrf_route_flag,          response_headers, NULL };
	Suite *s = check_suite("http", (const struct check_case[]){
	                                       { .name = "core", .tests = core_tests }, { 0 } });
	int status = check_run(s);
	http_double_free(&d);
	return status;
}
