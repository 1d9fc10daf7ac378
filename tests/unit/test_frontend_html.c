/*
 * Unit tests for fcgi-frontend/html: template slots are always escaped, literals and
 * fragments are copied, an unknown slot fails the page instead of showing it wrong.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "html.h"

START_TEST(slots_are_escaped)
{
	struct html h = { 0 };
	HTML(&h, "<a href=\"/users/{{id}}\">{{name}}</a>", "id", "7", "name",
	     "<script>alert(1)</script>");
	ck_assert_str_eq(html_str(&h),
	                 "<a href=\"/users/7\">&lt;script&gt;alert(1)&lt;/script&gt;</a>");
	ck_assert_int_eq(h.failed, 0);
	html_free(&h);
}
END_TEST

START_TEST(attribute_breakout_is_escaped)
{
	struct html h = { 0 };
	HTML(&h, "<input value=\"{{v}}\">", "v", "\"><img src=x onerror=alert(1)>");
	ck_assert_str_eq(html_str(&h),
	                 "<input value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">");
	html_free(&h);
}
END_TEST

START_TEST(same_slot_twice_and_braces_kept)
{
	struct html h = { 0 };
	HTML(&h, "{{a}}-{{a}} { x } {{ not a slot }} {{B}}", "a", "&");
	ck_assert_str_eq(html_str(&h), "&amp;-&amp; { x } {{ not a slot }} {{B}}");
	ck_assert_int_eq(h.failed, 0);
	html_free(&h);
}
END_TEST

START_TEST(missing_slot_fails)
{
	struct html h = { 0 };
	HTML(&h, "<p>{{missing}}</p>", "other", "x");
	ck_assert_int_eq(h.failed, 1);
	html_free(&h);
}
END_TEST

START_TEST(literals_text_and_fragments)
{
	struct html inner = { 0 }, outer = { 0 };
	HTML_LIT(&inner, "<li>");
	html_text(&inner, "Tom & Jerry");
	HTML_LIT(&inner, "</li>");
	HTML_LIT(&outer, "<ul>");
	html_append(&outer, &inner);
	HTML_LIT(&outer, "</ul>");
	ck_assert_str_eq(html_str(&outer), "<ul><li>Tom &amp; Jerry</li></ul>");
	html_free(&inner);
	html_free(&outer);
	struct html empty = { 0 };
	ck_assert_str_eq(html_str(&empty), "");
}
END_TEST

START_TEST(grows_past_first_block)
{
	struct html h = { 0 };
	for (int i = 0; i < 1000; i++)
		HTML(&h, "<p>{{v}}</p>", "v", "<>");
	ck_assert_uint_eq(h.len, 1000 * strlen("<p>&lt;&gt;</p>"));
	ck_assert_uint_eq(strlen(html_str(&h)), h.len);
	html_free(&h);
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { slots_are_escaped,
		                            attribute_breakout_is_escaped,
		                            same_slot_twice_and_braces_kept,
		                            missing_slot_fails,
		                            literals_text_and_fragments,
		                            grows_past_first_block,
		                            NULL };
	Suite *s = check_suite(
	        "frontend_html",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
