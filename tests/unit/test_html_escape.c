/*
 * Unit tests for fcgi-common/html_escape: the five special characters, markup a user
 * might type as a name, UTF-8 kept, invalid bytes and control characters replaced,
 * and the snprintf-like length and truncation contract.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "html_escape.h"

static void expect(const char *in, size_t len, const char *want)
{
	char out[512];
	size_t n = html_escape(out, sizeof out, in, len);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(n, strlen(want));
}

START_TEST(special_characters)
{
	expect("a&b<c>d\"e'f", 11, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
}
END_TEST

START_TEST(script_name_is_text)
{
	const char *s = "<script>alert(1)</script>";
	expect(s, strlen(s), "&lt;script&gt;alert(1)&lt;/script&gt;");
	const char *t = "\"><img src=x onerror=alert(1)>";
	expect(t, strlen(t), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
}
END_TEST

START_TEST(plain_and_utf8_unchanged)
{
	expect("Bob", 3, "Bob");
	expect("", 0, "");
	const char *u = "Zoë 日本 😀";
	expect(u, strlen(u), u);
	expect("tab\there\nnl", 11, "tab\there\nnl");
}
END_TEST

START_TEST(invalid_utf8_and_controls_replaced)
{
	expect("a\xff"
	       "b",
	       3,
	       "a\xEF\xBF\xBD"
	       "b");
	expect("\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD");                 /* overlong '/' */
	expect("\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
	expect("x\x01y", 3, "x\xEF\xBF\xBDy");
	expect("x\x7fy", 3, "x\xEF\xBF\xBDy");
	expect("x\xC2\x85y", 4, "x\xEF\xBF\xBDy");         /* C1 control NEL */
	expect("x\0y", 3, "x\xEF\xBF\xBDy");               /* NUL inside the length */
	expect("\xE2\x82", 2, "\xEF\xBF\xBD\xEF\xBF\xBD"); /* cut sequence at the end */
}
END_TEST

START_TEST(length_and_truncation)
{
	ck_assert_uint_eq(html_escape(NULL, 0, "<&>", 3), 13);
	char small[6];
	size_t n = html_escape(small, sizeof small, "<<", 2);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(small, "&lt;&"); /* cut, but always terminated */
}
END_TEST

START_TEST(dup_allocates_escaped_copy)
{
	char *s = html_escape_dup("1 < 2 & 'x'");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "1 &lt; 2 &amp; &#39;x&#39;");
	free(s);
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { special_characters,
		                            script_name_is_text,
		                            plain_and_utf8_unchanged,
		                            invalid_utf8_and_controls_replaced,
		                            length_and_truncation,
		                            dup_allocates_escaped_copy,
		                            NULL };
	Suite *s = check_suite(
	        "html_escape",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
