/*
 * check_run: how every Check test program ends — run the suite (each test in its own
 * process, Check's default), print the summary line scripts/test.sh counts, free the
 * runner, and give make the exit status. Header-only: unit, integration and pool tests
 * all include it without another object to link.
 */
#ifndef TESTS_CHECK_RUN_H
#define TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

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
