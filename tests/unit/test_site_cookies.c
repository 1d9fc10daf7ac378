/*
 * Unit tests of the frontend's cookie policy (fcgi-frontend/site_cookies.c) and of the
 * same-origin check on writes (fcgi-frontend/same_origin.c): issue 20 point 2, cookie
 * tossing — __Host- names over TLS, plain names over plain HTTP, any cookie of ours
 * sent twice found (in one Cookie header or several), cross-site writes refused.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "request.h"
#include "same_origin.h"
#include "site_cookies.h"

static int no_io(void *h, char *buf, int n)
{
	(void)h;
	(void)buf;
	(void)n;
	return 0;
}

static int no_write(void *h, const char *buf, int n)
{
	(void)h;
	(void)buf;
	return n;
}

/* A request from a NULL-terminated list of "NAME=value" parameters. */
static struct request make(char **envp)
{
	struct request r;
	struct http_io io = { .read = no_io, .write = no_write };
	ck_assert_int_eq(request_init(&r, envp, &io), 0);
	return r;
}

START_TEST(names_follow_the_scheme)
{
	ck_assert_str_eq(site_cookie_name(SITE_COOKIE_CSRF, 0), "csrf");
	ck_assert_str_eq(site_cookie_name(SITE_COOKIE_CSRF, 1), "__Host-csrf");
	ck_assert_str_eq(site_cookie_name(SITE_COOKIE_FLASH, 1), "__Host-flash");
	ck_assert_str_eq(site_cookie_name(SITE_COOKIE_SESSION, 0), "session");
	ck_assert_ptr_null(site_cookie_name(SITE_COOKIE__MAX, 0));

	char *plain[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	char *tls[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTPS=on", NULL };
	char *scheme[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "REQUEST_SCHEME=https", NULL };
	char *proxied[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_X_FORWARDED_PROTO=https",
		            NULL };
	struct request r = make(plain);
	ck_assert_int_eq(site_cookies_secure(&r, 0), 0);
	ck_assert_int_eq(site_cookies_secure(&r, 1), 1); /* COOKIE_SECURE=1 */
	request_free(&r);
	r = make(tls);
	ck_assert_int_eq(site_cookies_secure(&r, 0), 1);
	request_free(&r);
	r = make(scheme);
	ck_assert_int_eq(site_cookies_secure(&r, 0), 1);
	request_free(&r);
	r = make(proxied);
	ck_assert_int_eq(site_cookies_secure(&r, 0), 1);
	request_free(&r);
}
END_TEST

START_TEST(set_cookie_attributes)
{
	char *envp[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	struct request r = make(envp);
	ck_assert_int_eq(site_cookie_set(&r, SITE_COOKIE_CSRF, 1, "ab12", -1), 0);
	ck_assert_int_eq(site_cookie_set(&r, SITE_COOKIE_FLASH, 0, "", 0), 0);
	ck_assert_int_eq(site_cookie_set(&r, SITE_COOKIE_CSRF, 0, "x;y", -1), -1);
	ck_assert_str_eq(r.resp_headers,
	                 "Set-Cookie: __Host-csrf=ab12; Path=/; HttpOnly; SameSite=Lax; Secure\r\n"
	                 "Set-Cookie: flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\r\n");
	ck_assert_ptr_null(strstr(r.resp_headers, "Domain"));
	request_free(&r);
}
END_TEST

START_TEST(reads_only_its_own_spelling)
{
	char *envp[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
		         "HTTP_COOKIE=csrf=planted; __Host-csrf=mine", NULL };
	struct request r = make(envp);
	char v[32];
	ck_assert_int_eq(site_cookie_get(&r, SITE_COOKIE_CSRF, 1, v, sizeof v), 0);
	ck_assert_str_eq(v, "mine");
	ck_assert_int_eq(site_cookie_get(&r, SITE_COOKIE_CSRF, 0, v, sizeof v), 0);
	ck_assert_str_eq(v, "planted");
	ck_assert_int_eq(site_cookie_get(&r, SITE_COOKIE_FLASH, 0, v, sizeof v), -1);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(site_cookie_get(&r, SITE_COOKIE_CSRF, 1, v, 3), -1); /* too long */
	/* Neither spelling twice: not a duplicate. */
	ck_assert_ptr_null(site_cookies_duplicate(&r));
	request_free(&r);
}
END_TEST

START_TEST(duplicates_found)
{
	/* The attack: the attacker's cookie first, the victim's second. */
	char *tossed[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/users",
		           "HTTP_COOKIE=csrf=attacker; csrf=victim", NULL };
	struct request r = make(tossed);
	ck_assert_str_eq(site_cookies_duplicate(&r), "csrf");
	request_free(&r);

	char *host[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
		         "HTTP_COOKIE=a=1; __Host-flash=x;__Host-flash=y", NULL };
	r = make(host);
	ck_assert_str_eq(site_cookies_duplicate(&r), "__Host-flash");
	request_free(&r);

	/* Two Cookie lines, as separate parameters. */
	char *two[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_COOKIE=session=a",
		        "HTTP_COOKIE=other=1; session=b", NULL };
	r = make(two);
	ck_assert_str_eq(site_cookies_duplicate(&r), "session");
	request_free(&r);

	/* Spaces around the name do not hide a second one. */
	char *spaced[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_COOKIE=csrf =a; csrf=b",
		           NULL };
	r = make(spaced);
	ck_assert_str_eq(site_cookies_duplicate(&r), "csrf");
	request_free(&r);

	/* Other sites' duplicates and look-alike names are not ours to judge. */
	char *others[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/",
		           "HTTP_COOKIE=_ga=1; _ga=2; xcsrf=1; csrfx=2; csrf=ok", NULL };
	r = make(others);
	ck_assert_ptr_null(site_cookies_duplicate(&r));
	request_free(&r);

	ck_assert_int_eq(cookie_count("a=1; b=2; a=3", "a"), 2);
	ck_assert_int_eq(cookie_count("a", "a"), 1); /* a nameless value still counts */
	ck_assert_int_eq(cookie_count("", "a"), 0);
	ck_assert_int_eq(cookie_count(NULL, "a"), 0);
}
END_TEST

/* same_origin_problem for one request with these extra parameters. */
static const char *origin_check(const char *a, const char *b, const char *c)
{
	char *envp[] = {
		"REQUEST_METHOD=POST", "REQUEST_URI=/users", (char *)a, (char *)b, (char *)c, NULL
	};
	struct request r = make(envp);
	const char *p = same_origin_problem(&r);
	request_free(&r);
	return p;
}

START_TEST(cross_site_writes_refused)
{
	/* Sec-Fetch-Site decides when present. */
	ck_assert_ptr_null(origin_check("HTTP_SEC_FETCH_SITE=same-origin", NULL, NULL));
	ck_assert_ptr_null(origin_check("HTTP_SEC_FETCH_SITE=none", NULL, NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_SEC_FETCH_SITE=same-site", NULL, NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_SEC_FETCH_SITE=cross-site", NULL, NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_SEC_FETCH_SITE=cross-site",
	                                   "HTTP_ORIGIN=http://users.example",
	                                   "HTTP_HOST=users.example"));
	/* Else Origin against Host. */
	ck_assert_ptr_null(origin_check("HTTP_ORIGIN=http://127.0.0.1:8080",
	                                "HTTP_HOST=127.0.0.1:8080", NULL));
	ck_assert_ptr_null(
	        origin_check("HTTP_ORIGIN=https://Users.Example", "HTTP_HOST=users.example", NULL));
	ck_assert_ptr_null(origin_check("HTTP_ORIGIN=https://users.example",
	                                "HTTP_HOST=users.example:443", NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_ORIGIN=https://evil.users.example",
	                                   "HTTP_HOST=users.example", NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_ORIGIN=http://127.0.0.1:9999",
	                                   "HTTP_HOST=127.0.0.1:8080", NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_ORIGIN=null", "HTTP_HOST=users.example", NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_ORIGIN=https://users.example", NULL, NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_ORIGIN=https://users.example/x",
	                                   "HTTP_HOST=users.example", NULL));
	ck_assert_ptr_nonnull(origin_check("HTTP_ORIGIN=https://users.example.evil",
	                                   "HTTP_HOST=users.example", NULL));
	/* Neither header: not a browser; the CSRF token decides. */
	ck_assert_ptr_null(origin_check("HTTP_HOST=users.example", NULL, NULL));
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { names_follow_the_scheme,     set_cookie_attributes,
		                            reads_only_its_own_spelling, duplicates_found,
		                            cross_site_writes_refused,   NULL };
	Suite *s = check_suite(
	        "site_cookies",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
