/*
 * Unit tests for the frontend's sign-in (fcgi-frontend/pages_sign_in.c) through
 * http_serve, against a canned backend (tests/support/backend_double.h): who is asking
 * (the signed cookie, ignored when forged), anonymous visitors sent to sign in and
 * back, the sign-in form, the session cookie's flags (HttpOnly, SameSite=Lax, Max-Age;
 * __Host- and Secure over TLS), a refused or throttled sign-in, CSRF before anything,
 * sign-out (the backend told, with the bearer token; the cookie deleted), a write the
 * backend refuses (401: sign in again), single sign-on switched off, and no open
 * redirect through next.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend_double.h"
#include "browser.h"
#include "check_run.h"
#include "frontend.h"
#include "http_double.h"
#include "session_cookie.h"

#define TOKEN "fus_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"

static const struct backend_double_answer answers[] = {
	{ "POST /api/v1/sessions ", 201, NULL,
	  "{\"token\":\"" TOKEN "\",\"expiresAt\":\"2099-01-01T00:00:00Z\",\"editor\":\"ann\"}" },
	{ "DELETE /api/v1/sessions/current ", 204, NULL, NULL },
	{ "GET /api/v1/users/3 ", 200, NULL,
	  "{\"id\":3,\"userName\":\"Matt\",\"createdAt\":\"2026-01-01T00:00:00Z\"}" },
	{ "DELETE /api/v1/users/3 ", 401, "WWW-Authenticate: Bearer realm=\"fcgi-users\"\r\n",
	  "{\"title\":\"Unauthorized\",\"status\":401}" },
	{ 0 },
};
static const struct backend_double_answer refusing[] = {
	{ "POST /api/v1/sessions ", 401, NULL, "{\"title\":\"Unauthorized\",\"status\":401}" },
	{ 0 },
};
static const struct backend_double_answer throttling[] = {
	{ "POST /api/v1/sessions ", 429, "Retry-After: 7\r\n",
	  "{\"title\":\"Too Many Requests\",\"status\":429}" },
	{ 0 },
};

static struct frontend fe;
static struct http_double d;
static struct backend_double backend;
static char session[SESSION_COOKIE_MAX + 16]; /* "session=…" of a signed-in editor */

static void start(const struct backend_double_answer *a)
{
	ck_assert_int_eq(backend_double_start(&backend, a), 0);
	ck_assert_int_eq(api_client_config(&fe.api, backend.url, 1000, 3000), 0);
	ck_assert_int_eq(api_client_open(&fe.api), 0);
}

static void setup(void)
{
	memset(&fe, 0, sizeof fe);
	ck_assert_int_eq(sign_key_set(&fe.key, "unit-test-key-unit-test-key-0123456789"), 0);
	fe.csrf_ttl = 3600;
	fe.page_size = 20;
	char v[SESSION_COOKIE_MAX];
	ck_assert_int_eq(session_cookie_make(&fe.key, TOKEN, time(NULL) + 3600, "ann", v), 0);
	snprintf(session, sizeof session, "session=%s", v);
}

static void teardown(void)
{
	api_client_close(&fe.api);
	backend_double_stop(&backend);
	http_double_free(&d);
}

static int serve(const char *method, const char *uri, const char *cookie, const char *body)
{
	return http_double_serve(
	        &d, &frontend_http, &fe,
	        &(struct http_double_request){
	                .method = method,
	                .uri = uri,
	                .cookie = cookie,
	                .body = body,
	                .content_type = body ? "application/x-www-form-urlencoded" : NULL });
}

static const char *header(const char *name)
{
	static char v[1024];
	char pat[80];
	snprintf(pat, sizeof pat, "\n%s: ", name);
	const char *p = strstr(d.out, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	size_t n = strcspn(p, "\r\n");
	snprintf(v, sizeof v, "%.*s", (int)n, p);
	return v;
}

/* The csrf cookie the last answer set and its form's token. */
static void take_csrf(char *cookie, size_t cap, char *token, size_t tcap)
{
	const char *c = strstr(d.out, "Set-Cookie: csrf=");
	ck_assert_ptr_nonnull(c);
	c += strlen("Set-Cookie: ");
	snprintf(cookie, cap, "%.*s", (int)strcspn(c, ";"), c);
	const char *t = strstr(d.body, "name=\"csrf_token\" value=\"");
	ck_assert_ptr_nonnull(t);
	t += strlen("name=\"csrf_token\" value=\"");
	snprintf(token, tcap, "%.*s", (int)strcspn(t, "\""), t);
}

/* The csrf cookie and a form token, as a browser holding the sign-in page has them. */
static void csrf_pair(char *cookie, size_t cap, char *token, size_t tcap)
{
	ck_assert_int_eq(serve("GET", "/sign-in", NULL, NULL), 200);
	take_csrf(cookie, cap, token, tcap);
}

START_TEST(anonymous_sent_to_sign_in_and_back)
{
	start(answers);
	ck_assert_int_eq(serve("GET", "/users/new", NULL, NULL), 303);
	ck_assert_str_eq(header("Location"), "/sign-in?next=%2Fusers%2Fnew");
	ck_assert_int_eq(serve("GET", "/users/3/delete", NULL, NULL), 303);
	ck_assert_str_eq(header("Location"), "/sign-in?next=%2Fusers%2F3%2Fdelete");
	/* A form posted without a session: back to the page the form is on. */
	ck_assert_int_eq(serve("POST", "/users/3", NULL, "userName=x"), 303);
	ck_assert_str_eq(header("Location"), "/sign-in?next=%2Fusers%2F3");
	/* GET /users shows the add form too: back there. */
	ck_assert_int_eq(serve("POST", "/users", NULL, "userName=x"), 303);
	ck_assert_str_eq(header("Location"), "/sign-in?next=%2Fusers");
	/* Nothing reached the backend. */
	ck_assert_str_eq(backend_double_log(&backend), "");
	/* A read-only page for the visitor: no forms, a way to sign in. */
	ck_assert_int_eq(serve("GET", "/users/3", NULL, NULL), 200);
	ck_assert_ptr_null(strstr(d.body, "<form class=\"card\" method=\"post\""));
	ck_assert_ptr_nonnull(strstr(d.body, "href=\"/sign-in?next=%2Fusers%2F3\">Sign in</a>"));
	ck_assert_ptr_null(strstr(d.out, "Set-Cookie: csrf=")); /* no form, no CSRF cookie */
}
END_TEST

START_TEST(signed_cookie_decides_who_asks)
{
	start(answers);
	ck_assert_int_eq(serve("GET", "/users/new", session, NULL), 200);
	ck_assert_ptr_nonnull(strstr(d.body, "Signed in as ann"));
	ck_assert_ptr_nonnull(strstr(d.body, "<label for=\"userName\">"));
	ck_assert_int_eq(serve("GET", "/users/3", session, NULL), 200);
	ck_assert_ptr_nonnull(strstr(d.body, "<h2>Rename</h2>"));
	/* The same cookie with another name, or made with another key: a stranger. */
	char forged[sizeof session];
	snprintf(forged, sizeof forged, "%.*sbob", (int)strlen(session) - 3, session);
	ck_assert_int_eq(serve("GET", "/users/new", forged, NULL), 303);
	struct sign_key other;
	ck_assert_int_eq(sign_key_set(&other, "another-key-another-key-0123456789abc"), 0);
	char v[SESSION_COOKIE_MAX], c[SESSION_COOKIE_MAX + 16];
	ck_assert_int_eq(session_cookie_make(&other, TOKEN, time(NULL) + 3600, "ann", v), 0);
	snprintf(c, sizeof c, "session=%s", v);
	ck_assert_int_eq(serve("GET", "/users/new", c, NULL), 303);
	/* Expired. */
	ck_assert_int_eq(session_cookie_make(&fe.key, TOKEN, time(NULL) - 1, "ann", v), 0);
	snprintf(c, sizeof c, "session=%s", v);
	ck_assert_int_eq(serve("GET", "/users/new", c, NULL), 303);
}
END_TEST

START_TEST(sign_in_sets_the_session_cookie)
{
	start(answers);
	char cookie[128], token[CSRF_TOKEN_MAX], body[512];
	csrf_pair(cookie, sizeof cookie, token, sizeof token);
	snprintf(body, sizeof body,
	         "csrf_token=%s&name=ann&password=s3cret-pa55w0rd&next=%%2Fusers%%2F3", token);
	ck_assert_int_eq(serve("POST", "/sign-in", cookie, body), 303);
	ck_assert_str_eq(header("Location"), "/users/3");
	const char *set = strstr(d.out, "Set-Cookie: session=" TOKEN ".");
	ck_assert_ptr_nonnull(set);
	char line[600];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(set, "\r"), set);
	ck_assert_msg(strstr(line, "; Path=/") && strstr(line, "; HttpOnly") &&
	                      strstr(line, "; SameSite=Lax") && strstr(line, "; Max-Age=") &&
	                      !strstr(line, "Secure") && !strstr(line, "Domain"),
	              "%s", line);
	/* The value read back is the editor the backend named. */
	char value[SESSION_COOKIE_MAX];
	const char *v = set + strlen("Set-Cookie: session=");
	snprintf(value, sizeof value, "%.*s", (int)strcspn(v, ";"), v);
	struct principal p;
	time_t exp;
	ck_assert_int_eq(session_cookie_read(&fe.key, value, time(NULL), &p, &exp), 0);
	ck_assert_str_eq(p.name, "ann");
	/* The backend got the name and password as JSON, and no bearer token. */
	const char *log = backend_double_log(&backend);
	ck_assert_ptr_nonnull(strstr(log, "POST /api/v1/sessions HTTP/1.1"));
	ck_assert_ptr_null(strstr(log, "Authorization:"));
}
END_TEST

START_TEST(over_tls_the_cookie_is_host_and_secure)
{
	start(answers);
	char cookie[128], token[CSRF_TOKEN_MAX], body[512];
	http_double_serve(&d, &frontend_http, &fe,
	                  &(struct http_double_request){
	                          .method = "GET", .uri = "/sign-in", .params = { "HTTPS=on" } });
	/* The CSRF cookie, whichever spelling the cookie module gives it over TLS. */
	const char *c = strstr(d.out, "Set-Cookie: __Host-csrf=");
	if (!c)
		c = strstr(d.out, "Set-Cookie: csrf=");
	ck_assert_ptr_nonnull(c);
	c += strlen("Set-Cookie: ");
	snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(c, ";"), c);
	const char *t = strstr(d.body, "name=\"csrf_token\" value=\"") + 25;
	snprintf(token, sizeof token, "%.*s", (int)strcspn(t, "\""), t);
	snprintf(body, sizeof body, "csrf_token=%s&name=ann&password=s3cret-pa55w0rd", token);
	http_double_serve(
	        &d, &frontend_http, &fe,
	        &(struct http_double_request){ .method = "POST",
	                                       .uri = "/sign-in",
	                                       .cookie = cookie,
	                                       .body = body,
	                                       .content_type = "application/x-www-form-urlencoded",
	                                       .params = { "HTTPS=on" } });
	ck_assert_int_eq(d.status, 303);
	const char *set = strstr(d.out, "Set-Cookie: __Host-session=");
	ck_assert_ptr_nonnull(set);
	char line[600];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(set, "\r"), set);
	ck_assert_msg(strstr(line, "; Secure") && strstr(line, "; HttpOnly") &&
	                      strstr(line, "; Path=/") && !strstr(line, "Domain"),
	              "%s", line);
}
END_TEST

START_TEST(refused_and_throttled_sign_in)
{
	start(refusing);
	char cookie[128], token[CSRF_TOKEN_MAX], body[512];
	csrf_pair(cookie, sizeof cookie, token, sizeof token);
	snprintf(body, sizeof body, "csrf_token=%s&name=ann&password=guess-one-two", token);
	ck_assert_int_eq(serve("POST", "/sign-in", cookie, body), 403);
	ck_assert_ptr_nonnull(strstr(d.body, "The name or the password is not right."));
	ck_assert_ptr_null(strstr(d.body, "guess-one-two"));    /* never shown back */
	ck_assert_ptr_nonnull(strstr(d.body, "value=\"ann\"")); /* the name is */
	ck_assert_ptr_null(strstr(d.out, "Set-Cookie: session="));
	teardown();
	setup();
	start(throttling);
	csrf_pair(cookie, sizeof cookie, token, sizeof token);
	snprintf(body, sizeof body, "csrf_token=%s&name=ann&password=guess-one-two", token);
	ck_assert_int_eq(serve("POST", "/sign-in", cookie, body), 429);
	ck_assert_str_eq(header("Retry-After"), "7");
	ck_assert_ptr_nonnull(strstr(d.body, "Try again in 7 seconds."));
}
END_TEST

START_TEST(csrf_checked_before_the_backend)
{
	start(answers);
	ck_assert_int_eq(serve("POST", "/sign-in", NULL, "name=ann&password=s3cret-pa55w0rd"), 403);
	ck_assert_int_eq(
	        serve("POST", "/sign-in", "csrf=00", "csrf_token=1.ab&name=ann&password=x"), 403);
	ck_assert_int_eq(serve("POST", "/sign-out", session, "x=1"), 403);
	ck_assert_str_eq(backend_double_log(&backend), "");
}
END_TEST

START_TEST(sign_out_tells_the_backend_and_drops_the_cookie)
{
	start(answers);
	char cookie[128], token[CSRF_TOKEN_MAX], both[800], body[200];
	ck_assert_int_eq(serve("GET", "/sign-out", session, NULL), 200);
	take_csrf(cookie, sizeof cookie, token, sizeof token);
	snprintf(both, sizeof both, "%s; %s", cookie, session);
	snprintf(body, sizeof body, "csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/sign-out", both, body), 303);
	ck_assert_str_eq(header("Location"), "/");
	ck_assert_ptr_nonnull(strstr(d.out, "Set-Cookie: session=; Path=/; Max-Age=0"));
	const char *log = backend_double_log(&backend);
	ck_assert_ptr_nonnull(strstr(log, "DELETE /api/v1/sessions/current HTTP/1.1"));
	ck_assert_ptr_nonnull(strstr(log, "Authorization: Bearer " TOKEN));
	/* Anonymous: nothing to sign out of. */
	ck_assert_int_eq(serve("GET", "/sign-out", NULL, NULL), 303);
}
END_TEST

START_TEST(backend_refusal_means_sign_in_again)
{
	start(answers);
	char cookie[128], token[CSRF_TOKEN_MAX], both[800], body[200];
	ck_assert_int_eq(serve("GET", "/users/3/delete", session, NULL), 200);
	take_csrf(cookie, sizeof cookie, token, sizeof token);
	snprintf(both, sizeof both, "%s; %s", cookie, session);
	snprintf(body, sizeof body, "csrf_token=%s", token);
	/* The backend says 401 (the session ended elsewhere): sign in again, cookie gone. */
	ck_assert_int_eq(serve("POST", "/users/3/delete", both, body), 303);
	ck_assert_str_eq(header("Location"), "/sign-in?next=%2Fusers%2F3%2Fdelete");
	ck_assert_ptr_nonnull(strstr(d.out, "Set-Cookie: session=; Path=/; Max-Age=0"));
	ck_assert_ptr_nonnull(strstr(backend_double_log(&backend), "Authorization: Bearer " TOKEN));
}
END_TEST

START_TEST(next_stays_on_this_site)
{
	start(answers);
	const char *hostile[] = { "//evil.example/x",    "/\\evil.example", "https://evil.example/",
		                  "javascript:alert(1)", "/sign-in",        "/%0d%0aSet-Cookie:x" };
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		char uri[200];
		snprintf(uri, sizeof uri, "/sign-in?next=%s", hostile[i]);
		int st = serve("GET", uri, NULL, NULL);
		ck_assert_msg(st == 200 || st == 400, "%s: %d", uri, st);
		if (st == 200)
			ck_assert_msg(strstr(d.body, "name=\"next\" value=\"/\""), "%s kept",
			              hostile[i]);
	}
	ck_assert_int_eq(serve("GET", "/sign-in?next=%2Fusers%2F3%3Fx%3D1", NULL, NULL), 200);
	ck_assert_ptr_nonnull(strstr(d.body, "name=\"next\" value=\"/users/3?x=1\""));
}
END_TEST

START_TEST(single_sign_on_off_by_default)
{
	start(answers);
	ck_assert_int_eq(serve("GET", "/sign-in/sso", NULL, NULL), 404);
	ck_assert_int_eq(serve("GET", "/sign-in", NULL, NULL), 200);
	ck_assert_ptr_null(strstr(d.body, "single sign-on"));
	fe.sso = 1;
	ck_assert_int_eq(serve("GET", "/sign-in", NULL, NULL), 200);
	ck_assert_ptr_nonnull(strstr(d.body, "href=\"/sign-in/sso?next=%2F\""));
	/* On, but nginx named nobody: a client's own headers do not count. */
	http_double_serve(
	        &d, &frontend_http, &fe,
	        &(struct http_double_request){ .method = "GET",
	                                       .uri = "/sign-in/sso",
	                                       .params = { "HTTP_SSO_USER=mallory",
	                                                   "HTTP_X_AUTH_REQUEST_EMAIL=mallory" } });
	ck_assert_int_eq(d.status, 403);
	ck_assert_str_eq(backend_double_log(&backend), "");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		anonymous_sent_to_sign_in_and_back,
		signed_cookie_decides_who_asks,
		sign_in_sets_the_session_cookie,
		over_tls_the_cookie_is_host_and_secure,
		refused_and_throttled_sign_in,
		csrf_checked_before_the_backend,
		sign_out_tells_the_backend_and_drops_the_cookie,
		backend_refusal_means_sign_in_again,
		next_stays_on_this_site,
		single_sign_on_off_by_default,
		NULL,
	};
	return check_run(check_suite(
	        "frontend_sign_in",
	        (const struct check_case[]){
	                { .name = "pages", .tests = tests, .setup = setup, .teardown = teardown },
	                { 0 } }));
}
