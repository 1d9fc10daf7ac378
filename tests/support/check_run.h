/*
 * check_run: how every Check test program is put together and ends. check_suite builds
 * the suite from a table of test cases (so a program lists its tests once, as data);
 * check_run runs it (each test in its own process, Check's default), prints the summary
 * line scripts/test.sh counts, frees the runner and gives make the exit status.
 * Header-only: unit, integration and pool tests all include it without another object
 * to link.
 *
 *   const TTest *const core[] = { parses, refuses, NULL };
 *   return check_run(check_suite("name", (const struct check_case[]){
 *           { .name = "core", .tests = core, .timeout = 20 }, { 0 } }));
 */
#ifndef TESTS_CHECK_RUN_H
#define TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* One test case: its tests (NULL-ended), and optionally a timeout in seconds (0:
 * CK_DEFAULT_TIMEOUT) and a fixture run around each test in the test's process. */
struct check_case {
	const char *name;
	const TTest *const *tests;
	double timeout;
	void (*setup)(void);
	void (*teardown)(void);
};

/* The suite of cases, in order (the table ends with a case without a name). */
static inline Suite *check_suite(const char *name, const struct check_case *cases)
{
	Suite *s = suite_create(name);
	for (; cases->name; cases++) {
		TCase *tc = tcase_create(cases->name);
		if (cases->timeout > 0)
			tcase_set_timeout(tc, cases->timeout);
		if (cases->setup || cases->teardown)
			tcase_add_checked_fixture(tc, cases->setup, cases->teardown);
		for (const TTest *const *t = cases->tests; *t; t++)
			tcase_add_test(tc, *t);
		suite_add_tcase(s, tc);
	}
	return s;
}

/* EXIT_SUCCESS when every test passed, else EXIT_FAILURE. */
static inline int check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
