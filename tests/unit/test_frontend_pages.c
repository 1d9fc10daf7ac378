/*
 * Unit tests for the page service's routes and handlers, driven from memory through
 * http_serve (no FastCGI, no nginx). The backend client points at a loopback port
 * nobody listens on, so these check what the pages do by themselves: the add form
 * and its cookie, CSRF refusals (403, no backend call), validation messages (422),
 * the friendly page when the backend is down (503), 404s, security headers, and
 * the flash cookie: signed, bound to its browser and to a time the server checks.
 * Issue 20's attacks: __Host- cookies over TLS, a cookie sent twice (400), a cross-site
 * post (403), a token of another form (403), the attack names (422), a form sent twice
 * (its nonce goes to the backend with the write; the backend's "already sent" becomes
 * a 409 page linking to a fresh form). The forms are for
 * editors: every request here carries a signed-in editor's session cookie
 * (session_cookie.h; __Host-session over TLS); what an anonymous visitor gets is
 * tests/unit/test_frontend_sign_in.c's. The pages against the real backend are tested
 * in tests/integration/test_pages.c.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "api_client.h"
#include "backend_double.h"
#include "browser.h"
#include "frontend.h"
#include "http_double.h"
#include "layout.h"
#include "log.h"
#include "session_cookie.h"

static struct frontend fe;
static struct http_double d;
static char session[SESSION_COOKIE_MAX + 16]; /* "session=…": an editor signed in */
static char cookies[4096];                    /* what serve() sends: a test's + the session */

static void setup(void)
{
	ck_assert_int_eq(sign_key_set(&fe.key, "unit-test-key-unit-test-key-0123456789"), 0);
	fe.csrf_ttl = 3600;
	fe.page_size = 20;
	char v[SESSION_COOKIE_MAX];
	ck_assert_int_eq(session_cookie_make(&fe.key,
	                                     "fus_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
	                                     time(NULL) + 3600, "tester", v),
	                 0);
	snprintf(session, sizeof session, "session=%s", v);
	/* A port that was free a moment ago: connections are refused. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof a;
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
	ck_assert_int_eq(api_client_config(&fe.api, url, 500, 1000), 0);
	ck_assert_int_eq(api_client_open(&fe.api), 0);
}

static void teardown(void)
{
	api_client_close(&fe.api);
	http_double_free(&d);
}

/* The Cookie header of a signed-in browser that also holds cookie (may be NULL); over
 * TLS (or COOKIE_SECURE) the session cookie has its __Host- name (site_cookies.h). */
static const char *with_session(const char *cookie, int secure)
{
	snprintf(cookies, sizeof cookies, "%s%s%s%s", cookie ? cookie : "", cookie ? "; " : "",
	         secure ? "__Host-" : "", session);
	return cookies;
}

/* Serve one request for the signed-in editor with up to three more parameters
 * ("NAME=value", NULL-ended); cookie (more cookies) and body (a form) may be NULL.
 * Returns the status. */
static int serve_with(const char *method, const char *uri, const char *cookie, const char *body,
                      const char *p1, const char *p2, const char *p3)
{
	int tls = fe.cookie_secure;
	for (const char *const *p = (const char *const[]){ p1, p2, p3, NULL }; *p; p++)
		tls |= strcmp(*p, "HTTPS=on") == 0;
	return http_double_serve(
	        &d, &frontend_http, &fe,
	        &(struct http_double_request){
	                .method = method,
	                .uri = uri,
	                .cookie = with_session(cookie, tls),
	                .body = body,
	                .content_type = body ? "application/x-www-form-urlencoded" : NULL,
	                .params = { p1, p1 ? p2 : NULL, p1 && p2 ? p3 : NULL } });
}

static int serve(const char *method, const char *uri, const char *cookie, const char *body)
{
	return serve_with(method, uri, cookie, body, NULL, NULL, NULL);
}

static const char *body_of(void)
{
	return d.body;
}

/* The value of the first "name=value" cookie the response sets, into out. */
static int set_cookie_value(const char *name, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof pat, "Set-Cookie: %s=", name);
	const char *p = strstr(d.out, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	size_t n = strcspn(p, ";\r");
	if (n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* The csrf_token value in the page's form. */
static void form_token(char *out, size_t cap)
{
	const char *p = strstr(body_of(), "name=\"csrf_token\" value=\"");
	ck_assert_ptr_nonnull(p);
	p += strlen("name=\"csrf_token\" value=\"");
	size_t n = strcspn(p, "\"");
	ck_assert_uint_lt(n, cap);
	memcpy(out, p, n);
	out[n] = '\0';
}

START_TEST(new_form_sets_cookie_and_token)
{
	ck_assert_int_eq(serve("GET", "/users/new", NULL, NULL), 200);
	char cookie[128], token[CSRF_TOKEN_MAX];
	ck_assert_int_eq(set_cookie_value("csrf", cookie, sizeof cookie), 0);
	ck_assert_ptr_nonnull(strstr(d.out, "HttpOnly; SameSite=Lax"));
	form_token(token, sizeof token);
	ck_assert_int_eq(csrf_check(&fe.key, cookie, "/users", token, time(NULL)), CSRF_OK);
	/* Labelled input, lang, security headers. */
	ck_assert_ptr_nonnull(strstr(body_of(), "<label for=\"userName\">"));
	ck_assert_ptr_nonnull(strstr(body_of(), "<html lang=\"en\">"));
	ck_assert_ptr_nonnull(strstr(d.out, "Content-Security-Policy: default-src 'none'"));
	ck_assert_ptr_nonnull(strstr(d.out, "frame-ancestors 'none'"));
	ck_assert_ptr_null(strstr(d.out, "unsafe-inline"));
	ck_assert_ptr_nonnull(strstr(d.out, "X-Content-Type-Options: nosniff"));
	ck_assert_ptr_nonnull(strstr(d.out, "Referrer-Policy: same-origin"));
	/* A browser that has a cookie keeps it. */
	char with[160];
	snprintf(with, sizeof with, "csrf=%s", cookie);
	ck_assert_int_eq(serve("GET", "/users/new", with, NULL), 200);
	ck_assert_ptr_null(strstr(d.out, "Set-Cookie: csrf="));
}
END_TEST

START_TEST(https_cookie_is_host_prefixed)
{
	serve_with("GET", "/users/new", NULL, NULL, "HTTPS=on", NULL, NULL);
	ck_assert_ptr_nonnull(strstr(d.out, "Set-Cookie: __Host-csrf="));
	ck_assert_ptr_nonnull(strstr(d.out, "; Path=/; HttpOnly; SameSite=Lax; Secure"));
	ck_assert_ptr_null(strstr(d.out, "Domain"));
	char cookie[128], token[CSRF_TOKEN_MAX], hdr[160], body[512];
	ck_assert_int_eq(set_cookie_value("__Host-csrf", cookie, sizeof cookie), 0);
	form_token(token, sizeof token);
	snprintf(body, sizeof body, "userName=Ann&csrf_token=%s", token);
	/* Over TLS only the __Host- cookie counts: the same value planted as plain "csrf"
	 * (any sibling subdomain can set that one) is no cookie at all. */
	snprintf(hdr, sizeof hdr, "csrf=%s", cookie);
	ck_assert_int_eq(serve_with("POST", "/users", hdr, body, "HTTPS=on", NULL, NULL), 403);
	snprintf(hdr, sizeof hdr, "__Host-csrf=%s", cookie);
	ck_assert_int_eq(serve_with("POST", "/users", hdr, body, "HTTPS=on", NULL, NULL),
	                 503); /* accepted; the backend is down */
	/* COOKIE_SECURE=1 does the same without a word from the request. */
	fe.cookie_secure = 1;
	ck_assert_int_eq(serve("GET", "/users/new", NULL, NULL), 200);
	ck_assert_ptr_nonnull(strstr(d.out, "Set-Cookie: __Host-csrf="));
	fe.cookie_secure = 0;
}
END_TEST

/* A cookie and a matching token, as a browser would hold them. */
static void browser(char *cookie_hdr, size_t cap, char token[CSRF_TOKEN_MAX])
{
	ck_assert_int_eq(serve("GET", "/users/new", NULL, NULL), 200);
	char cookie[128];
	ck_assert_int_eq(set_cookie_value("csrf", cookie, sizeof cookie), 0);
	form_token(token, CSRF_TOKEN_MAX);
	snprintf(cookie_hdr, cap, "csrf=%s", cookie);
}

START_TEST(post_without_or_with_forged_token_is_403)
{
	char cookie[160], token[CSRF_TOKEN_MAX], body[512];
	browser(cookie, sizeof cookie, token);
	ck_assert_int_eq(serve("POST", "/users", cookie, "userName=Eve"), 403);
	/* The add form again, with what was typed (issue 19). */
	ck_assert_ptr_nonnull(strstr(body_of(), "nothing was saved"));
	ck_assert_ptr_nonnull(strstr(body_of(), "value=\"Eve\""));
	ck_assert_ptr_nonnull(strstr(body_of(), "<title>Error: Add a user"));
	snprintf(body, sizeof body, "userName=Eve&csrf_token=%sx", token);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 403);
	snprintf(body, sizeof body, "userName=Eve&csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/users", NULL, body), 403); /* no cookie */
	ck_assert_int_eq(serve("POST", "/users",
	                       "csrf=" /* other browser */
	                       "0000000000000000000000000000000000000000000000"
	                       "000000000000000000",
	                       body),
	                 403);
	/* Rename and delete are guarded the same way. */
	ck_assert_int_eq(serve("POST", "/users/1", cookie, "userName=Eve"), 403);
	ck_assert_int_eq(serve("POST", "/users/1/delete", cookie, "csrf_token=1.abc"), 403);
	/* An invalid name with a forged token is still 403, not 422. */
	ck_assert_int_eq(serve("POST", "/users", cookie, "userName=&csrf_token=x"), 403);
}
END_TEST

START_TEST(expired_token_is_403)
{
	char cookie[160], token[CSRF_TOKEN_MAX], body[512];
	browser(cookie, sizeof cookie, token);
	char old[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&fe.key, cookie + 5, "/users", time(NULL) - 100, 10, old), 0);
	snprintf(body, sizeof body, "userName=Eve&csrf_token=%s", old);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 403);
	ck_assert_ptr_nonnull(strstr(body_of(), "expired"));
}
END_TEST

START_TEST(invalid_name_is_422_beside_the_field)
{
	char cookie[160], token[CSRF_TOKEN_MAX], body[512];
	browser(cookie, sizeof cookie, token);
	snprintf(body, sizeof body, "userName=&csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 422);
	ck_assert_ptr_nonnull(strstr(body_of(), "id=\"userName-error\""));
	ck_assert_ptr_nonnull(strstr(body_of(), "aria-invalid=\"true\""));
	/* Markup and a text-direction control (U+202E): refused for the control. */
	snprintf(body, sizeof body,
	         "userName=%%22%%3E%%3Cimg%%20src%%3Dx%%20onerror%%3Dalert%%3E%%E2%%80%%AE&csrf_"
	         "token=%s",
	         token);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 422);
	ck_assert_ptr_nonnull(strstr(body_of(), "text-direction controls"));
	/* The typed value comes back escaped, never as markup. */
	ck_assert_ptr_null(strstr(body_of(), "<img"));
	ck_assert_ptr_nonnull(
	        strstr(body_of(), "value=\"&quot;&gt;&lt;img src=x onerror=alert&gt;\u202E\""));
	/* Each attack name of issue 20 gets its message beside the field. */
	static const struct {
		const char *form, *message;
	} names[] = {
		{ "Bob%E2%80%8B", "invisible or formatting characters" },
		{ "%E2%80%AEboB", "text-direction controls" },
		{ "%EF%BC%A2%EF%BD%8F%EF%BD%82", "compatibility forms" },
		{ "%E3%85%A4", "invisible or formatting characters" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(body, sizeof body, "userName=%s&csrf_token=%s", names[i].form, token);
		ck_assert_int_eq(serve("POST", "/users", cookie, body), 422);
		ck_assert_msg(strstr(body_of(), names[i].message), "%s: no '%s'", names[i].form,
		              names[i].message);
	}
	snprintf(body, sizeof body, "userName=0123456789012345678901234567890&csrf_token=%s",
	         token);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 422);
	ck_assert_ptr_nonnull(strstr(body_of(), "1 to 30 characters"));
}
END_TEST

START_TEST(token_of_another_form_is_403)
{
	/* A token from the add form posts nothing else (issue 20: it used to post any). */
	char cookie[160], token[CSRF_TOKEN_MAX], body[512];
	browser(cookie, sizeof cookie, token);
	snprintf(body, sizeof body, "csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/users/1/delete", cookie, body), 403);
	snprintf(body, sizeof body, "userName=Eve&csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/users/1", cookie, body), 403);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 503); /* its own form: passes */
}
END_TEST

/* The write a form makes carries its token's nonce and expiry (Form-Nonce); when the
 * backend says the form was sent already, the page says so (409), nothing else. */
START_TEST(form_sent_again_is_409_with_a_fresh_form)
{
	static const struct backend_double_answer answers[] = {
		{ "POST /api/v1/users ", 409, NULL,
		  "{\"type\":\"" FORM_SENT_PROBLEM "\",\"title\":\"Form already sent\","
		  "\"status\":409,\"detail\":\"this form was already sent\"}" },
		{ "GET /api/v1/users/4 ", 404, NULL, "{\"title\":\"Not Found\"}" },
		{ "DELETE /api/v1/users/4 ", 409, NULL, "{\"type\":\"" FORM_SENT_PROBLEM "\"}" },
		{ 0 },
	};
	struct backend_double b;
	ck_assert_int_eq(backend_double_start(&b, answers), 0);
	api_client_close(&fe.api);
	ck_assert_int_eq(api_client_config(&fe.api, b.url, 1000, 3000), 0);
	ck_assert_int_eq(api_client_open(&fe.api), 0);
	char cookie[160], token[CSRF_TOKEN_MAX], body[512];
	browser(cookie, sizeof cookie, token);
	snprintf(body, sizeof body, "userName=Ann&csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 409);
	ck_assert_ptr_nonnull(strstr(body_of(), "This form was already sent"));
	ck_assert_ptr_nonnull(strstr(body_of(), "href=\"/users\">Open a fresh form"));
	ck_assert_ptr_null(strstr(body_of(), "taken")); /* not mistaken for a taken name */
	/* "EXPIRY.NONCE.MAC" went as "NONCE.EXPIRY", with the write only. */
	const char *dot = strchr(token, '.');
	char want[128];
	snprintf(want, sizeof want, "Form-Nonce: %.*s.%.*s", CSRF_NONCE_LEN, dot + 1,
	         (int)(dot - token), token);
	ck_assert_ptr_nonnull(strstr(backend_double_log(&b), want));
	/* A delete sent again for a user the first send deleted: "already sent", not 404. */
	char del[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&fe.key, cookie + 5, "/users/4/delete", time(NULL), 600, del),
	                 0);
	snprintf(body, sizeof body, "csrf_token=%s", del);
	ck_assert_int_eq(serve("POST", "/users/4/delete", cookie, body), 409);
	ck_assert_ptr_nonnull(strstr(body_of(), "href=\"/users/4/delete\">Open a fresh form"));
	/* Three calls (add, the delete page's read, delete): the two writes carried one. */
	const char *log = backend_double_log(&b);
	ck_assert_ptr_nonnull(strstr(log, "GET /api/v1/users/4 "));
	int carried = 0;
	for (const char *p = strstr(log, "Form-Nonce: "); p; p = strstr(p + 1, "Form-Nonce: "))
		carried++;
	ck_assert_int_eq(carried, 2);
	backend_double_stop(&b);
}
END_TEST

START_TEST(cookie_sent_twice_is_400)
{
	/* Cookie tossing (issue 20): the attacker's cookie first, the victim's second, with
	 * a token the attacker got for his own cookie. */
	char mine[160], token[CSRF_TOKEN_MAX], body[512], tossed[400];
	browser(mine, sizeof mine, token);
	snprintf(tossed, sizeof tossed, "%s; csrf=%s", mine,
	         "0123456789abcdef0123456789abcdef"
	         "0123456789abcdef0123456789abcdef");
	snprintf(body, sizeof body, "userName=Eve&csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/users", tossed, body), 400);
	ck_assert_ptr_nonnull(strstr(body_of(), "cookie twice"));
	ck_assert_int_eq(serve("GET", "/users/new", tossed, NULL), 400);
	ck_assert_int_eq(serve("GET", "/users/new", "flash=a; x=1; flash=b", NULL), 400);
	/* Other sites' cookies, and one of each spelling, are fine. */
	ck_assert_int_eq(serve("GET", "/users/new", "_ga=1; _ga=2; csrf=x; __Host-csrf=y", NULL),
	                 200);
}
END_TEST

START_TEST(cross_site_post_is_403)
{
	char cookie[160], token[CSRF_TOKEN_MAX], body[512];
	browser(cookie, sizeof cookie, token);
	snprintf(body, sizeof body, "userName=Eve&csrf_token=%s", token);
	static const char *const cross[] = { "HTTP_SEC_FETCH_SITE=cross-site",
		                             "HTTP_SEC_FETCH_SITE=same-site",
		                             "HTTP_ORIGIN=http://evil.example" };
	for (size_t i = 0; i < sizeof cross / sizeof cross[0]; i++) {
		ck_assert_int_eq(serve_with("POST", "/users", cookie, body, cross[i],
		                            "HTTP_HOST=users.example", NULL),
		                 403);
		ck_assert_ptr_nonnull(strstr(body_of(), "came from another site"));
	}
	ck_assert_int_eq(serve_with("POST", "/users", cookie, body,
	                            "HTTP_SEC_FETCH_SITE=same-origin",
	                            "HTTP_ORIGIN=http://users.example", "HTTP_HOST=users.example"),
	                 503); /* passes; the backend is down */
}
END_TEST

START_TEST(backend_down_gives_friendly_page)
{
	ck_assert_int_eq(serve("GET", "/", NULL, NULL), 503);
	ck_assert_ptr_nonnull(strstr(body_of(), "The directory is unavailable"));
	ck_assert_ptr_nonnull(strstr(d.out, "Retry-After: 30"));
	ck_assert_int_eq(serve("GET", "/users/3", NULL, NULL), 503);
	char cookie[160], token[CSRF_TOKEN_MAX], body[512];
	browser(cookie, sizeof cookie, token);
	snprintf(body, sizeof body, "userName=Ann&csrf_token=%s", token);
	ck_assert_int_eq(serve("POST", "/users", cookie, body), 503);
	/* The add form again, with what was typed, saying nothing was saved (issue 19). */
	ck_assert_ptr_nonnull(strstr(body_of(), "could not be reached, so nothing was saved"));
	ck_assert_ptr_nonnull(strstr(body_of(), "value=\"Ann\""));
	ck_assert_ptr_nonnull(strstr(d.out, "Retry-After: 30"));
}
END_TEST

START_TEST(not_found_pages)
{
	ck_assert_int_eq(serve("GET", "/nope", NULL, NULL), 404);
	ck_assert_ptr_nonnull(strstr(body_of(), "Page not found"));
	ck_assert_int_eq(serve("GET", "/users/abc", NULL, NULL), 404);
	ck_assert_int_eq(serve("GET", "/users/0", NULL, NULL), 404);
	ck_assert_int_eq(serve("DELETE", "/users/1", NULL, NULL), 405);
	ck_assert_int_eq(serve("GET", "/?page=0", NULL, NULL), 400);
	/* The list knows two orders; any other is refused before the backend is asked. */
	ck_assert_int_eq(serve("GET", "/?sort=oldest", NULL, NULL), 400);
	ck_assert_ptr_nonnull(strstr(body_of(), "sort: must be name or newest"));
	ck_assert_int_eq(serve("GET", "/?sort=-id", NULL, NULL), 400);
	ck_assert_int_eq(serve("GET", "/?sort=", NULL, NULL), 400);
}
END_TEST

#define BROWSER_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BROWSER_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* browser_flash_take for a request carrying the cookie header jar; out gets the text. */
static int take_flash(const char *jar, char *out, size_t cap)
{
	char hdr[1200];
	snprintf(hdr, sizeof hdr, "HTTP_COOKIE=%s", jar);
	char *envp[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", hdr, NULL };
	struct request r;
	http_double_clear(&d);
	struct http_io io = http_double_io(&d);
	ck_assert_int_eq(request_init(&r, envp, &io), 0);
	int shown = browser_flash_take(&r, &fe, out, cap);
	/* Whatever it held, the cookie is deleted. */
	ck_assert_ptr_nonnull(strstr(r.resp_headers, "flash=; Path=/; Max-Age=0"));
	request_free(&r);
	return shown;
}

/* A flash value signed with the test's key for browser and expiry, as the frontend
 * makes them (browser.c): HEX "." EXPIRY "." HMAC("flash|" cookie "|" EXPIRY "|" HEX). */
static void forge_flash(const char *browser, long long expiry, char *out, size_t cap)
{
	char msg[256], mac[SIGN_HEX_LEN + 1];
	const char *hex = "4869"; /* "Hi" */
	snprintf(msg, sizeof msg, "flash|%s|%lld|%s", browser, expiry, hex);
	ck_assert_int_eq(sign_hex(&fe.key, msg, strlen(msg), mac), 0);
	snprintf(out, cap, "%s.%lld.%s", hex, expiry, mac);
}

START_TEST(flash_is_signed_and_bound)
{
	/* Make a genuine flash through the module for browser A. */
	struct request r;
	char *envp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/users", "HTTP_COOKIE=csrf=" BROWSER_A,
		         NULL };
	http_double_clear(&d);
	struct http_io io = http_double_io(&d);
	ck_assert_int_eq(request_init(&r, envp, &io), 0);
	browser_flash_set(&r, &fe, "Added <Ann>.");
	ck_assert_ptr_nonnull(r.resp_headers);
	const char *p = strstr(r.resp_headers, "flash=");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, "Max-Age=60"));
	char value[700];
	size_t n = strcspn(p + 6, ";");
	memcpy(value, p + 6, n);
	value[n] = '\0';
	request_free(&r);

	char jar[900], out[FLASH_MAX + 1];
	snprintf(jar, sizeof jar, "csrf=" BROWSER_A "; flash=%s", value);
	ck_assert_int_eq(take_flash(jar, out, sizeof out), 1);
	ck_assert_str_eq(out, "Added <Ann>.");
	/* Captured and replayed on another browser, or on one without a csrf cookie. */
	snprintf(jar, sizeof jar, "csrf=" BROWSER_B "; flash=%s", value);
	ck_assert_int_eq(take_flash(jar, out, sizeof out), 0);
	ck_assert_str_eq(out, "");
	snprintf(jar, sizeof jar, "flash=%s", value);
	ck_assert_int_eq(take_flash(jar, out, sizeof out), 0);
	/* Tampered text, signature kept. */
	value[0] = value[0] == '4' ? '5' : '4';
	snprintf(jar, sizeof jar, "csrf=" BROWSER_A "; flash=%s", value);
	ck_assert_int_eq(take_flash(jar, out, sizeof out), 0);
	/* Time is the server's: a genuine flash past its expiry is not shown (the attack
	 * replayed one 577 s old), one in time is. */
	char made[400];
	forge_flash(BROWSER_A, (long long)time(NULL) - 1, made, sizeof made);
	snprintf(jar, sizeof jar, "csrf=" BROWSER_A "; flash=%s", made);
	ck_assert_int_eq(take_flash(jar, out, sizeof out), 0);
	forge_flash(BROWSER_A, (long long)time(NULL) + 30, made, sizeof made);
	snprintf(jar, sizeof jar, "csrf=" BROWSER_A "; flash=%s", made);
	ck_assert_int_eq(take_flash(jar, out, sizeof out), 1);
	ck_assert_str_eq(out, "Hi");
	/* The old shape (text and MAC only) is refused. */
	snprintf(jar, sizeof jar, "csrf=" BROWSER_A "; flash=4869.%064d", 0);
	ck_assert_int_eq(take_flash(jar, out, sizeof out), 0);
}
END_TEST

START_TEST(broken_page_becomes_500)
{
	/* A page whose template named a slot it was not given is never sent half-built. */
	struct request r;
	char *envp[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	http_double_clear(&d);
	struct http_io io = http_double_io(&d);
	ck_assert_int_eq(request_init(&r, envp, &io), 0);
	struct html h = { 0 };
	HTML(&h, "<p>{{missing}}</p>", "other", "x");
	page_send(&r, 200, "Broken", NULL, &h);
	html_free(&h);
	request_free(&r);
	http_double_parse(&d);
	ck_assert_int_eq(d.status, 500);
	ck_assert_ptr_nonnull(strstr(body_of(), "Something went wrong"));
	ck_assert_ptr_null(strstr(body_of(), "<p></p>"));
}
END_TEST

int main(void)
{
	/* The failures these tests provoke are logged as warnings: keep the output to
	 * the results. */
	log_init("test", LOG_TEXT, LOG_ERROR, NULL);
	api_global_init();
	const TTest *const pages_tests[] = { new_form_sets_cookie_and_token,
		                             https_cookie_is_host_prefixed,
		                             post_without_or_with_forged_token_is_403,
		                             expired_token_is_403,
		                             invalid_name_is_422_beside_the_field,
		                             token_of_another_form_is_403,
		                             form_sent_again_is_409_with_a_fresh_form,
		                             cookie_sent_twice_is_400,
		                             cross_site_post_is_403,
		                             backend_down_gives_friendly_page,
		                             not_found_pages,
		                             flash_is_signed_and_bound,
		                             broken_page_becomes_500,
		                             NULL };
	Suite *s =
	        check_suite("frontend_pages", (const struct check_case[]){ { .name = "pages",
	                                                                     .tests = pages_tests,
	                                                                     .timeout = 20,
	                                                                     .setup = setup,
	                                                                     .teardown = teardown },
	                                                                   { 0 } });
	return check_run(s);
}
