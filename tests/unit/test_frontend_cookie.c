/*
 * Unit tests for fcgi-common/cookie: finding one cookie among several, names that
 * are prefixes of others, quotes, absence, size limits; Set-Cookie attributes.
 */
#include <check.h>
#include <stdlib.h>

#include "check_run.h"
#include "cookie.h"

START_TEST(get_finds_the_named_cookie)
{
	char v[32];
	ck_assert_int_eq(cookie_get("a=1; csrf=abc; b=2", "csrf", v, sizeof v), 0);
	ck_assert_str_eq(v, "abc");
	ck_assert_int_eq(cookie_get("xcsrf=no;csrf=yes", "csrf", v, sizeof v), 0);
	ck_assert_str_eq(v, "yes");
	ck_assert_int_eq(cookie_get("csrf=\"q\"", "csrf", v, sizeof v), 0);
	ck_assert_str_eq(v, "q");
	ck_assert_int_eq(cookie_get("csrf=", "csrf", v, sizeof v), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(cookie_get("csrfx=1; a=2", "csrf", v, sizeof v), -1);
	ck_assert_int_eq(cookie_get("", "csrf", v, sizeof v), -1);
	ck_assert_int_eq(cookie_get(NULL, "csrf", v, sizeof v), -1);
	ck_assert_int_eq(cookie_get("csrf=0123456789", "csrf", v, 5), -1); /* too long */
}
END_TEST

START_TEST(format_sets_attributes)
{
	char out[256];
	ck_assert_int_eq(cookie_format(out, sizeof out, "csrf", "ab12", -1, 0), 0);
	ck_assert_str_eq(out, "csrf=ab12; Path=/; HttpOnly; SameSite=Lax");
	ck_assert_int_eq(cookie_format(out, sizeof out, "flash", "", 0, 1), 0);
	ck_assert_str_eq(out, "flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
	ck_assert_int_eq(cookie_format(out, sizeof out, "a", "x;y", -1, 0), -1);
	ck_assert_int_eq(cookie_format(out, sizeof out, "a b", "x", -1, 0), -1);
	ck_assert_int_eq(cookie_format(out, sizeof out, "a", "x\r\nSet-Cookie: z", -1, 0), -1);
	ck_assert_int_eq(cookie_format(out, 10, "csrf", "ab12", -1, 0), -1);
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { get_finds_the_named_cookie, format_sets_attributes,
		                            NULL };
	Suite *s = check_suite("cookie", (const struct check_case[]){
	                                         { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
