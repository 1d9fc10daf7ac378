/*
 * Unit tests for fcgi-frontend/pager: the list's page links always include the first
 * and last page and the neighbours of the current one, "…" only where it hides two or
 * more pages, never more than PAGER_MAX_ITEMS items, and no "last" when the count is a
 * lower bound.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "pager.h"

/* The plan as text: "1 … 4 [5] 6 … 9". */
static const char *plan(long long page, long long pages, int exact)
{
	static char out[128];
	struct pager p;
	pager_plan(&p, page, pages, exact);
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < p.nitems; i++) {
		long long it = p.items[i];
		if (it == PAGER_GAP)
			n += (size_t)snprintf(out + n, sizeof out - n, "%s…", i ? " " : "");
		else if (it == p.page)
			n += (size_t)snprintf(out + n, sizeof out - n, "%s[%lld]", i ? " " : "",
			                      it);
		else
			n += (size_t)snprintf(out + n, sizeof out - n, "%s%lld", i ? " " : "", it);
	}
	return out;
}

START_TEST(page_count)
{
	ck_assert_int_eq(pager_pages(0, 20), 1);
	ck_assert_int_eq(pager_pages(1, 20), 1);
	ck_assert_int_eq(pager_pages(20, 20), 1);
	ck_assert_int_eq(pager_pages(21, 20), 2);
	ck_assert_int_eq(pager_pages(140, 20), 7);
	ck_assert_int_eq(pager_pages(-3, 20), 1);
}
END_TEST

START_TEST(few_pages_all_shown)
{
	ck_assert_str_eq(plan(1, 1, 1), "[1]");
	ck_assert_str_eq(plan(1, 2, 1), "[1] 2");
	ck_assert_str_eq(plan(2, 3, 1), "1 [2] 3");
	ck_assert_str_eq(plan(1, 4, 1), "[1] 2 3 4"); /* "…" would hide one page */
	ck_assert_str_eq(plan(3, 5, 1), "1 2 [3] 4 5");
}
END_TEST

START_TEST(gaps_hide_two_or_more)
{
	ck_assert_str_eq(plan(1, 7, 1), "[1] 2 … 7");
	ck_assert_str_eq(plan(2, 7, 1), "1 [2] 3 … 7");
	ck_assert_str_eq(plan(4, 7, 1), "1 2 3 [4] 5 6 7");
	ck_assert_str_eq(plan(5, 9, 1), "1 … 4 [5] 6 … 9");
	ck_assert_str_eq(plan(7, 7, 1), "1 … 6 [7]");
	ck_assert_str_eq(plan(6, 7, 1), "1 … 5 [6] 7");
}
END_TEST

START_TEST(never_more_than_max)
{
	for (long long pages = 1; pages <= 60; pages++)
		for (long long page = 1; page <= pages; page++) {
			struct pager p;
			pager_plan(&p, page, pages, 1);
			ck_assert_int_le(p.nitems, PAGER_MAX_ITEMS);
			ck_assert_int_eq(p.items[0], 1);
			ck_assert_int_eq(p.items[p.nitems - 1], pages);
			int current = 0;
			for (int i = 0; i < p.nitems; i++) {
				current += p.items[i] == page;
				/* Pages ascend; a gap sits between two pages and hides at least
				 * two. */
				if (p.items[i] == PAGER_GAP) {
					ck_assert(i > 0 && i < p.nitems - 1);
					ck_assert_int_ge(p.items[i + 1] - p.items[i - 1], 3);
				} else if (i > 0 && p.items[i - 1] != PAGER_GAP) {
					ck_assert_int_eq(p.items[i], p.items[i - 1] + 1);
				}
			}
			ck_assert_int_eq(current, 1);
		}
}
END_TEST

START_TEST(bounded_count_has_no_last)
{
	/* A broad search counted to 1000+: 50 pages at least, the last one unknown. */
	ck_assert_str_eq(plan(1, 50, 0), "[1] 2 …");
	ck_assert_str_eq(plan(10, 50, 0), "1 … 9 [10] 11 …");
}
END_TEST

START_TEST(out_of_range_is_clamped)
{
	ck_assert_str_eq(plan(99, 7, 1), "1 … 6 [7]");
	ck_assert_str_eq(plan(0, 7, 1), "[1] 2 … 7");
	ck_assert_str_eq(plan(1, 0, 1), "[1]");
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { page_count,
		                            few_pages_all_shown,
		                            gaps_hide_two_or_more,
		                            never_more_than_max,
		                            bounded_count_has_no_last,
		                            out_of_range_is_clamped,
		                            NULL };
	Suite *s = check_suite(
	        "frontend_pager",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
