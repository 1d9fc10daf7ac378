/*
 * Unit tests for the rules of fcgi-backend's sign-in: the back-off schedule (free
 * typos, then doubling waits up to the cap, never negative or overflowing) and the
 * editor-name rule the API and the command line share.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "editors.h"
#include "sign_in.h"

START_TEST(back_off_schedule)
{
	for (long f = 0; f <= SIGN_IN_FREE_FAILURES; f++)
		ck_assert_int_eq(sign_in_delay(f), 0);
	ck_assert_int_eq(sign_in_delay(SIGN_IN_FREE_FAILURES + 1), 2);
	ck_assert_int_eq(sign_in_delay(SIGN_IN_FREE_FAILURES + 2), 4);
	ck_assert_int_eq(sign_in_delay(SIGN_IN_FREE_FAILURES + 3), 8);
	ck_assert_int_eq(sign_in_delay(SIGN_IN_FREE_FAILURES + 9), 512);
	ck_assert_int_eq(sign_in_delay(SIGN_IN_FREE_FAILURES + 10), SIGN_IN_MAX_DELAY);
	ck_assert_int_eq(sign_in_delay(1000000), SIGN_IN_MAX_DELAY);
	ck_assert_int_eq(sign_in_delay(-1), 0);
	/* Never shorter than the one before. */
	for (long f = 1; f < 100; f++)
		ck_assert_int_ge(sign_in_delay(f), sign_in_delay(f - 1));
}
END_TEST

START_TEST(editor_names)
{
	char why[120];
	const char *good[] = { "a",       "alice", "Alice.Smith", "ann@example.org",
		               "bob+ops", "x_y-z", "0day" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(editor_name_valid(good[i], strlen(good[i]), why, sizeof why) == 0,
		              "%s: %s", good[i], why);
	const char *bad[] = { "",      ".alice", "-x",  "@host", "al ice", "al;ice",
		              "élise", "a\"b",   "a/b", "a\\b",  "a\tb" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(editor_name_valid(bad[i], strlen(bad[i]), why, sizeof why) == -1,
		              "'%s' accepted", bad[i]);
	char longest[EDITOR_NAME_MAX + 2];
	memset(longest, 'a', sizeof longest);
	ck_assert_int_eq(editor_name_valid(longest, EDITOR_NAME_MAX, why, sizeof why), 0);
	ck_assert_int_eq(editor_name_valid(longest, EDITOR_NAME_MAX + 1, why, sizeof why), -1);
	ck_assert_int_eq(editor_name_valid("a\0b", 3, why, sizeof why), -1);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		back_off_schedule,
		editor_names,
		NULL,
	};
	return check_run(check_suite(
	        "backend_sign_in_rules",
	        (const struct check_case[]){ { .name = "core", .tests = tests }, { 0 } }));
}
