/*
 * Upgrading a database the old Flask system left behind — database with a table
 * users (userName varchar(30) NOT NULL), latin1, no key — in place: every row kept,
 * in its order, ids numbered in that order; duplicate names (ignoring case) stop the
 * upgrade with the names listed and the table untouched. Each test uses a throwaway
 * database on the test stack's MariaDB.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "harness.h"

static char dbname[64];
static char uri_env[512];

/* A legacy database named after this process, with rows in this order. */
static void make_legacy(const char *const rows[], size_t n)
{
	snprintf(dbname, sizeof dbname, "legacy_%d", (int)getpid());
	char sql[512];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s CHARACTER SET latin1", dbname);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
	ck_assert_int_eq(h_sql(dbname, "CREATE TABLE users (userName varchar(30) NOT NULL)"), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO users VALUES ('%s')", rows[i]);
		ck_assert_int_eq(h_sql(dbname, sql), 0);
	}
	snprintf(uri_env, sizeof uri_env, "DATABASE_URI=mysql://%s@localhost/%s?socket=%s",
	         h_env("DB_USER"), dbname, h_env("MYSQL_SOCKET"));
}

static int migrate(char **out)
{
	char pw[256];
	snprintf(pw, sizeof pw, "DATABASE_PASSWORD=%s", h_env("DB_PASS"));
	char dir[] = "MIGRATIONS_DIR=sql";
	const char *env[] = { uri_env, pw, dir, NULL };
	const char *args[] = { "migrate", NULL };
	return h_backend(env, args, out);
}

static void drop_legacy(void)
{
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
	h_sql("mysql", sql);
}

/* All names by id (or in table order when there is no id yet), '|'-separated. */
static char *names(void)
{
	char *has_id = h_sql_value(dbname, "SELECT COUNT(*) FROM information_schema.COLUMNS "
	                                   "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
	                                   "'users' AND COLUMN_NAME = 'id'");
	int ordered = atoi(has_id);
	free(has_id);
	char *v = h_sql_value(dbname, ordered ? "SELECT GROUP_CONCAT(userName ORDER BY id "
	                                        "SEPARATOR '|') FROM users"
	                                      : "SELECT GROUP_CONCAT(userName SEPARATOR '|') "
	                                        "FROM users");
	return v ? v : strdup("");
}

START_TEST(upgrade_keeps_rows_and_order)
{
	/* not alphabetical, a latin1 character, a deleted row in the middle */
	static const char *const rows[] = { "Mo", "Bob", "Zo\xc3\xab", "Gone", "Jay", "Ferg" };
	make_legacy(rows, 6);
	ck_assert_int_eq(h_sql(dbname, "DELETE FROM users WHERE userName = 'Gone'"), 0);
	ck_assert_int_eq(h_sql(dbname, "INSERT INTO users VALUES ('Matt')"), 0);
	char *before = names();
	ck_assert_str_eq(before, "Mo|Bob|Zoë|Jay|Ferg|Matt");

	char *out = NULL;
	int rc = migrate(&out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "applied 002_users_keys.sql"));
	free(out);

	char *after = names();
	ck_assert_str_eq(after, before); /* every row, same order, no seed users added */
	char *ids = h_sql_value(dbname, "SELECT GROUP_CONCAT(id ORDER BY id) FROM users");
	ck_assert_str_eq(ids, "1,2,3,4,5,6");
	char *first = h_sql_value(dbname, "SELECT userName FROM users WHERE id = 1");
	ck_assert_str_eq(first, "Mo");
	/* latin1 converted to utf8mb4: the UTF-8 bytes of ë */
	char *hex = h_sql_value(dbname, "SELECT HEX(userName) FROM users WHERE id = 3");
	ck_assert_str_eq(hex, "5A6FC3AB");
	char *cs = h_sql_value(dbname, "SELECT CONCAT(CHARACTER_SET_NAME, ' ', COLLATION_NAME) "
	                               "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
	                               "DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = "
	                               "'userName'");
	ck_assert_str_eq(cs, "utf8mb4 utf8mb4_bin");
	char *count = h_sql_value(dbname, "SELECT users FROM user_count WHERE id = 1");
	ck_assert_str_eq(count, "6");
	char *created = h_sql_value(dbname, "SELECT COUNT(*) FROM users WHERE createdAt IS NULL");
	ck_assert_str_eq(created, "0");
	/* the new key works: 'bob' is taken now */
	ck_assert_uint_eq(h_sql_errno(dbname, "INSERT INTO users (userName) VALUES ('bob')"),
	                  1062 /* ER_DUP_ENTRY */);

	/* running it again changes nothing */
	rc = migrate(&out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "up to date"));
	free(out);
	char *again = names();
	ck_assert_str_eq(again, before);

	free(before);
	free(after);
	free(again);
	free(ids);
	free(first);
	free(hex);
	free(cs);
	free(count);
	free(created);
	drop_legacy();
}
END_TEST

START_TEST(duplicates_stop_the_upgrade)
{
	static const char *const rows[] = { "Bob", "Jay", "bob", "Matt", "Matt ", "Mo" };
	make_legacy(rows, 6);
	char *before = names();
	char *out = NULL;
	int rc = migrate(&out);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "duplicate names"), "%s", out);
	/* both groups listed, with every spelling */
	ck_assert_msg(strstr(out, "\"Bob\"") && strstr(out, "\"bob\""), "%s", out);
	ck_assert_msg(strstr(out, "\"Matt\"") && strstr(out, "\"Matt \""), "%s", out);
	ck_assert_msg(strstr(out, "nothing changed"), "%s", out);
	free(out);
	/* the table is exactly as it was: one column, same rows, same order */
	char *cols = h_sql_value(dbname, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
	                                 "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'");
	ck_assert_str_eq(cols, "1");
	char *after = names();
	ck_assert_str_eq(after, before);
	free(after);
	char *v = h_sql_value(dbname, "SELECT GROUP_CONCAT(version) FROM schema_migrations");
	ck_assert_str_eq(v, "1"); /* only the no-op baseline is recorded */
	free(v);

	/* fix the data as the message says, and the upgrade goes through */
	ck_assert_int_eq(h_sql(dbname, "DELETE FROM users WHERE BINARY userName = 'bob' OR "
	                               "BINARY userName = 'Matt '"),
	                 0);
	rc = migrate(&out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	free(out);
	after = names();
	ck_assert_str_eq(after, "Bob|Jay|Matt|Mo");
	free(after);
	free(before);
	free(cols);
	drop_legacy();
}
END_TEST

int main(void)
{
	const TTest *const legacy_tests[] = { upgrade_keeps_rows_and_order,
		                              duplicates_stop_the_upgrade, NULL };
	Suite *s = check_suite(
	        "migrate-legacy",
	        (const struct check_case[]){
	                { .name = "legacy", .tests = legacy_tests, .timeout = 60 }, { 0 } });
	return check_run(s);
}
