/*
 * Unit tests for fcgi-backend/form_nonces: the Form-Nonce header a page's write carries
 * is "NONCE.EXPIRY" exactly (32 lowercase hex digits, a Unix time); anything else is
 * refused before a statement sees it, and no header at all means nothing to spend.
 * Spending against a real database (the same form twice, a refused write, the purge)
 * is tests/integration/test_pages.c and test_api_users.c.
 */
#include <check.h>
#include <string.h>

#include "check_run.h"
#include "form_nonces.h"

#define NONCE "0123456789abcdef0123456789abcdef"

START_TEST(a_nonce_and_its_expiry)
{
	struct form_nonce n;
	ck_assert_int_eq(form_nonce_parse(NONCE ".1700003600", &n), 0);
	ck_assert_str_eq(n.hex, NONCE);
	ck_assert_int_eq(n.expiry, 1700003600LL);
	ck_assert_int_eq(form_nonce_parse(NONCE ".0", &n), 0);
	ck_assert_int_eq(n.expiry, 0);
}
END_TEST

START_TEST(no_header_is_nothing_to_spend)
{
	struct form_nonce n = { .hex = "stale", .expiry = 5 };
	ck_assert_int_eq(form_nonce_parse(NULL, &n), 0);
	ck_assert_str_eq(n.hex, "");
	/* Nothing to spend: no statement runs, whatever the connection (none here). */
	ck_assert_int_eq(form_nonce_spend(NULL, &n, 0), DB_OK);
	ck_assert_int_eq(form_nonce_spend(NULL, NULL, 0), DB_OK);
}
END_TEST

START_TEST(malformed_values_refused)
{
	static const char *const bad[] = {
		"",
		NONCE,                                 /* no expiry */
		NONCE ".",                             /* empty expiry */
		NONCE ".-5",                           /* signed */
		NONCE ".17x",                          /* trailing junk */
		NONCE ".1700003600 ",                  /* trailing space */
		NONCE ".12345678901234567890",         /* 20 digits */
		NONCE ".9999999999999999999",          /* past LLONG_MAX */
		"0123456789ABCDEF0123456789abcdef.1",  /* upper case */
		"0123456789abcdef0123456789abcde.1",   /* 31 digits */
		"0123456789abcdef0123456789abcdef0.1", /* 33 digits */
		"0123456789abcdefg123456789abcdef.1",  /* not hex */
		" " NONCE ".1",                        /* leading space */
		"1700003600." NONCE,                   /* the token's order */
		NONCE ".1." NONCE,                     /* two */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct form_nonce n;
		ck_assert_msg(form_nonce_parse(bad[i], &n) == -1, "accepted \"%s\"", bad[i]);
		ck_assert_msg(n.hex[0] == '\0', "kept a nonce from \"%s\"", bad[i]);
	}
}
END_TEST

int main(void)
{
	const TTest *const tests[] = { a_nonce_and_its_expiry, no_header_is_nothing_to_spend,
		                       malformed_values_refused, NULL };
	Suite *s = check_suite(
	        "backend_form_nonces",
	        (const struct check_case[]){ { .name = "parse", .tests = tests }, { 0 } });
	return check_run(s);
}
