/*
 * Unit tests for fcgi-backend/db_grants: the grants table says what the pools may do
 * (rows of known tables, the audit trail append-only), the privilege text is what
 * GRANT takes, and account names that could carry a quote or a space are refused
 * before anything is quoted into a statement. Applying the table to a real server is
 * tests/integration/test_db_grants.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "db_grants.h"

static const struct table_grant *row_of(const char *table)
{
	for (const struct table_grant *g = app_grants; g->table; g++)
		if (strcmp(g->table, table) == 0)
			return g;
	return NULL;
}

START_TEST(rows_only_and_audit_append_only)
{
	const unsigned all = PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE;
	size_t n = 0;
	for (const struct table_grant *g = app_grants; g->table; g++, n++) {
		ck_assert_msg(g->privileges != 0 && (g->privileges & ~all) == 0, "%s", g->table);
		ck_assert_msg(strspn(g->table, "abcdefghijklmnopqrstuvwxyz_") == strlen(g->table),
		              "%s", g->table);
		for (const struct table_grant *h = g + 1; h->table; h++)
			ck_assert_msg(strcmp(g->table, h->table) != 0, "%s twice", g->table);
	}
	ck_assert_uint_ge(n, 3);
	ck_assert_ptr_nonnull(row_of("users"));
	ck_assert_uint_eq(row_of("users")->privileges, all);
	ck_assert_uint_eq(row_of("user_count")->privileges, PRIV_SELECT | PRIV_UPDATE);
	ck_assert_ptr_nonnull(row_of("audit"));
	ck_assert_uint_eq(row_of("audit")->privileges, PRIV_SELECT | PRIV_INSERT);
	ck_assert_uint_eq(row_of("editors")->privileges, PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE);
	/* Spent form nonces (007): inserted by a write, deleted when expired, never changed. */
	ck_assert_ptr_nonnull(row_of("form_nonces"));
	ck_assert_uint_eq(row_of("form_nonces")->privileges,
	                  PRIV_SELECT | PRIV_INSERT | PRIV_DELETE);
}
END_TEST

START_TEST(privilege_text)
{
	char buf[64];
	ck_assert_str_eq(db_privileges_text(PRIV_SELECT | PRIV_INSERT, buf, sizeof buf),
	                 "SELECT, INSERT");
	ck_assert_str_eq(db_privileges_text(PRIV_DELETE | PRIV_SELECT | PRIV_UPDATE | PRIV_INSERT,
	                                    buf, sizeof buf),
	                 "SELECT, INSERT, UPDATE, DELETE");
	ck_assert_str_eq(db_privileges_text(0, buf, sizeof buf), "");
	/* too small a buffer: cut at a whole name, never mid-word */
	ck_assert_str_eq(db_privileges_text(PRIV_SELECT | PRIV_INSERT, buf, 12), "SELECT");
}
END_TEST

START_TEST(account_names)
{
	char why[128];
	ck_assert(app_account_valid("fcgi_app", "%", why, sizeof why));
	ck_assert(app_account_valid("app.v2-x", "10.20.%", why, sizeof why));
	ck_assert(app_account_valid("a", "localhost", why, sizeof why));
	const char *bad_users[] = { "",     "a'b",
		                    "a b",  "a`b",
		                    "a\\b", "a@b",
		                    "aé",   "abcdefghijabcdefghijabcdefghij123" /* 33 */ };
	for (size_t i = 0; i < sizeof bad_users / sizeof *bad_users; i++) {
		why[0] = '\0';
		ck_assert_msg(!app_account_valid(bad_users[i], "%", why, sizeof why), "%s",
		              bad_users[i]);
		ck_assert_msg(strstr(why, "user name"), "%s", why);
	}
	const char *bad_hosts[] = { "", "x'", "a b", "h\"", "h;" };
	for (size_t i = 0; i < sizeof bad_hosts / sizeof *bad_hosts; i++) {
		why[0] = '\0';
		ck_assert_msg(!app_account_valid("app", bad_hosts[i], why, sizeof why), "%s",
		              bad_hosts[i]);
		ck_assert_msg(strstr(why, "host"), "%s", why);
	}
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { rows_only_and_audit_append_only, privilege_text,
		                            account_names, NULL };
	return check_run(check_suite(
	        "backend_db_grants",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } }));
}
