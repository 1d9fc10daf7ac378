/*
 * Upgrading a database the old Flask system left behind — database with a table
 * users (userName varchar(30) NOT NULL), latin1, no key — in place: every row kept,
 * in its order, ids numbered in that order; duplicate names (ignoring case) stop the
 * upgrade with the names listed and the table untouched. The same for names that look
 * alike or that the name rule refuses (005, issue 20), and a stopped 005 resumes. Each
 * test uses a throwaway database on the test stack's MariaDB.
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

/* An empty database prefix_<pid> in charset, and DATABASE_URI for it. */
static void fresh_database(const char *prefix, const char *charset)
{
	snprintf(dbname, sizeof dbname, "%s_%d", prefix, (int)getpid());
	char sql[512];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s CHARACTER SET %s", dbname, charset);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
	snprintf(uri_env, sizeof uri_env, "DATABASE_URI=mysql://%s@localhost/%s?socket=%s",
	         h_env("DB_USER"), dbname, h_env("MYSQL_SOCKET"));
}

/* A legacy database named after this process, with rows in this order. */
static void make_legacy(const char *const rows[], size_t n)
{
	fresh_database("legacy", "latin1");
	char sql[512];
	ck_assert_int_eq(h_sql(dbname, "CREATE TABLE users (userName varchar(30) NOT NULL)"), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO users VALUES ('%s')", rows[i]);
		ck_assert_int_eq(h_sql(dbname, sql), 0);
	}
}

/* Run `fcgi-backend migrate` with the migrations of dir ("sql": all of them). */
static int migrate_from(const char *dir_path, char **out)
{
	char pw[256];
	snprintf(pw, sizeof pw, "DATABASE_PASSWORD=%s", h_env("DB_PASS"));
	char dir[512];
	snprintf(dir, sizeof dir, "MIGRATIONS_DIR=%s", dir_path);
	const char *env[] = { uri_env, pw, dir, NULL };
	const char *args[] = { "migrate", NULL };
	return h_backend(env, args, out);
}

static int migrate(char **out)
{
	return migrate_from("sql", out);
}

/* `fcgi-backend skeletons` on the test database. */
static int skeletons(char **out)
{
	char pw[256];
	snprintf(pw, sizeof pw, "DATABASE_PASSWORD=%s", h_env("DB_PASS"));
	const char *env[] = { uri_env, pw, NULL };
	const char *args[] = { "skeletons", NULL };
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
	/* the new keys work: 'bob' is taken now, and so is anything that looks like it */
	ck_assert_uint_eq(h_sql_errno(dbname, "INSERT INTO users (userName, nameSkeleton) "
	                                      "VALUES ('bob', 'x')"),
	                  1062 /* ER_DUP_ENTRY */);
	char *skeleton = h_sql_value(dbname, "SELECT nameSkeleton FROM users WHERE id = 2");
	ck_assert_str_eq(skeleton, "bob"); /* "Bob": confusable skeleton, case-folded */
	free(skeleton);
	ck_assert_uint_eq(h_sql_errno(dbname, "INSERT INTO users (userName, nameSkeleton) "
	                                      "VALUES ('B0b', 'bob')"),
	                  1062);

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

/* A database migrated up to 004, as this system ran before issue 20, into which the
 * attack put its look-alikes through the old rule (written here with SQL). */
static void make_before_005(void)
{
	fresh_database("before005", "utf8mb4");
	char dir[] = "/tmp/fcgi-users-migrations-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	static const char *const upto4[] = { "001_legacy_users.sql", "002_users_keys.sql",
		                             "003_seed_users.sql", "004_user_count.sql" };
	char cwd[512], from[1024], to[1024];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	for (size_t i = 0; i < 4; i++) {
		snprintf(from, sizeof from, "%s/sql/%s", cwd, upto4[i]);
		snprintf(to, sizeof to, "%s/%s", dir, upto4[i]);
		ck_assert_int_eq(symlink(from, to), 0);
	}
	char *out = NULL;
	int rc = migrate_from(dir, &out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	free(out);
	for (size_t i = 0; i < 4; i++) {
		snprintf(to, sizeof to, "%s/%s", dir, upto4[i]);
		unlink(to);
	}
	rmdir(dir);
}

/* Insert a name given as hex bytes (no quoting problems, exact bytes). */
static void insert_hex(const char *hex)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO users (userName) VALUES (CONVERT(X'%s' USING utf8mb4))", hex);
	ck_assert_int_eq(h_sql(dbname, sql), 0);
}

START_TEST(lookalikes_stop_the_upgrade)
{
	make_before_005();                /* Bob, Jay, Matt, Ferg, Mo */
	insert_hex("D092D0BE62");         /* Cyrillic "Воb" */
	insert_hex("4A6F73C3A9");         /* "José" (NFC) */
	insert_hex("4A6F7365CC81");       /* "José" (NFD) */
	insert_hex("E280AE626F42");       /* U+202E "boB" */
	insert_hex("426F62E2808B");       /* "Bob" U+200B */
	insert_hex("EFBCA2EFBD8FEFBD82"); /* full-width "Ｂｏｂ" */
	insert_hex("204D617474");         /* " Matt" (Matt once trimmed) */
	char *before = names();
	char *out = NULL;
	int rc = migrate(&out);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "005_name_skeleton.sql stopped, nothing changed"), "%s", out);
	/* Each group that looks alike, and each refused name, spelled out. */
	ck_assert_msg(strstr(out, "2 rows look alike (ids 1, "), "%s", out);
	ck_assert_msg(strstr(out, "): \"Bob\", \"\xd0\x92\xd0\xbe"
	                          "b\""),
	              "%s", out);
	ck_assert_msg(strstr(out, "): \"Jos\xc3\xa9\", \"Jose\xcc\x81\""), "%s", out);
	ck_assert_msg(strstr(out, "): \"Matt\", \" Matt\""), "%s", out);
	ck_assert_msg(strstr(out, " \"\\u{202E}boB\" is refused by the name rules: it must "
	                          "not contain text-direction controls"),
	              "%s", out);
	ck_assert_msg(strstr(out, " \"Bob\\u{200B}\" is refused by the name rules: it must "
	                          "not contain invisible"),
	              "%s", out);
	ck_assert_msg(strstr(out, "\xef\xbc\xa2\xef\xbd\x8f\xef\xbd\x82\" is refused by the name "
	                          "rules: it must use plain letters"),
	              "%s", out);
	ck_assert_msg(strstr(out, "(6 listed above)"), "%s", out);
	free(out);
	/* Nothing changed: no new column, same rows, 005 not recorded. */
	ck_assert_int_eq(h_sql_count(dbname, "SELECT 1 FROM information_schema.COLUMNS WHERE "
	                                     "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' "
	                                     "AND COLUMN_NAME = 'nameSkeleton'"),
	                 0);
	char *after = names();
	ck_assert_str_eq(after, before);
	free(after);
	char *v = h_sql_value(dbname, "SELECT MAX(version) FROM schema_migrations");
	ck_assert_str_eq(v, "4");
	free(v);

	/* Fix the data as the message says, and the upgrade goes through. */
	ck_assert_int_eq(h_sql(dbname, "DELETE FROM users WHERE HEX(userName) IN ('D092D0BE62', "
	                               "'4A6F7365CC81', 'E280AE626F42', '426F62E2808B', "
	                               "'EFBCA2EFBD8FEFBD82', '204D617474')"),
	                 0);
	rc = migrate(&out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "the skeletons of 6 names filled in"), "%s", out);
	ck_assert_msg(strstr(out, "applied 005_name_skeleton.sql"), "%s", out);
	free(out);
	ck_assert_int_eq(h_sql_count(dbname, "SELECT 1 FROM users WHERE nameSkeleton IS NULL"), 0);
	/* From now on the key refuses a look-alike. */
	ck_assert_uint_eq(h_sql_errno(dbname, "INSERT INTO users (userName, nameSkeleton) "
	                                      "VALUES ('Jose', X'6A6F7365CC81')"),
	                  1062);
	/* And again: up to date. */
	rc = migrate(&out);
	ck_assert_msg(rc == 0 && strstr(out, "up to date"), "exit %d: %s", rc, out);
	free(out);
	free(before);
	drop_legacy();
}
END_TEST

/* A run that stopped after adding the column (a lost connection, a killed Job) is
 * finished by the next run: the column is not added twice, NULLs are filled. */
START_TEST(stopped_005_resumes)
{
	make_before_005();
	ck_assert_int_eq(h_sql(dbname, "ALTER TABLE users ADD COLUMN nameSkeleton VARBINARY(720) "
	                               "NULL"),
	                 0);
	ck_assert_int_eq(h_sql(dbname, "UPDATE users SET nameSkeleton = 'bob' WHERE id = 1"), 0);
	char *out = NULL;
	int rc = migrate(&out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "a statement skipped: users.nameSkeleton exists"), "%s", out);
	ck_assert_msg(strstr(out, "the skeletons of 4 names filled in"), "%s", out);
	free(out);
	char *sk = h_sql_value(dbname, "SELECT GROUP_CONCAT(nameSkeleton ORDER BY id) FROM users");
	ck_assert_str_eq(sk, "bob,jay,matt,ferg,mo");
	free(sk);

	/* Rows written behind the service's back have no skeleton until `fcgi-backend
	 * skeletons` fills them; it lists what it cannot fill and leaves those empty. */
	insert_hex("5A6564");       /* 6: "Zed" */
	insert_hex("CE9665");       /* 7: Greek "Ζe", a look-alike of nobody yet */
	insert_hex("4A6179E2808B"); /* 8: "Jay" U+200B: refused */
	insert_hex("D09CD0BE");     /* 9: Cyrillic "Мо": looks like Mo */
	rc = skeletons(&out);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, " \"Jay\\u{200B}\" must not contain invisible"), "%s", out);
	ck_assert_msg(strstr(out, " \"\xd0\x9c\xd0\xbe\" looks like another user's name"), "%s",
	              out);
	ck_assert_msg(strstr(out, "the skeletons of 2 names filled in"), "%s", out);
	free(out);
	ck_assert_int_eq(h_sql_count(dbname, "SELECT 1 FROM users WHERE nameSkeleton IS NULL"), 2);
	drop_legacy();
}
END_TEST

int main(void)
{
	const TTest *const legacy_tests[] = { upgrade_keeps_rows_and_order,
		                              duplicates_stop_the_upgrade,
		                              lookalikes_stop_the_upgrade, stopped_005_resumes,
		                              NULL };
	Suite *s = check_suite(
	        "migrate-legacy",
	        (const struct check_case[]){
	                { .name = "legacy", .tests = legacy_tests, .timeout = 60 }, { 0 } });
	return check_run(s);
}
