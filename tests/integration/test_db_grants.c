/*
 * The least-privilege app user and password rotation, on the test stack: its backend
 * pool connects as APP_DB_USER (created by `fcgi-backend migrate` from the grants
 * table, password in APP_DB_PASSWORD_FILE). The app user changes rows but cannot
 * create, alter or drop; the audit table takes INSERT and SELECT only; migrate takes
 * back what the table does not list. A password changed on the server is picked up by
 * the running pool from the file, without a restart: a request stream keeps getting
 * 2xx while the file and the account change and every app connection is killed.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "db_grants.h"
#include "harness.h"

static MYSQL *connect_as(const char *user, const char *password, unsigned *err)
{
	MYSQL *m = mysql_init(NULL);
	ck_assert_ptr_nonnull(m);
	if (!mysql_real_connect(m, "localhost", user, password, "users", 0, h_env("MYSQL_SOCKET"),
	                        0)) {
		*err = mysql_errno(m);
		mysql_close(m);
		return NULL;
	}
	*err = 0;
	return m;
}

static void read_password(char *out, size_t cap)
{
	FILE *f = fopen(h_env("APP_DB_PASSWORD_FILE"), "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(out, (int)cap, f));
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
}

/* Replace the file at once (rename), as a Kubernetes Secret update does. */
static void write_password(const char *pw)
{
	char tmp[600];
	snprintf(tmp, sizeof tmp, "%s.new", h_env("APP_DB_PASSWORD_FILE"));
	FILE *f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", pw);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(rename(tmp, h_env("APP_DB_PASSWORD_FILE")), 0);
}

static void set_server_password(const char *pw)
{
	char sql[300];
	snprintf(sql, sizeof sql, "ALTER USER '%s'@'localhost' IDENTIFIED BY '%s'",
	         h_env("APP_DB_USER"), pw);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
}

/* Kill every connection of the app user; returns the highest id killed (0: none). */
static long kill_app_connections(void)
{
	unsigned err;
	MYSQL *m = connect_as(h_env("DB_USER"), h_env("DB_PASS"), &err);
	ck_assert_msg(m, "admin connection: %u", err);
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '%s'",
	         h_env("APP_DB_USER"));
	ck_assert_int_eq(mysql_query(m, sql), 0);
	MYSQL_RES *res = mysql_store_result(m);
	ck_assert_ptr_nonnull(res);
	long ids[64], n = 0, max = 0;
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(res)) && n < 64)
		ids[n++] = atol(row[0]);
	mysql_free_result(res);
	for (long i = 0; i < n; i++) {
		snprintf(sql, sizeof sql, "KILL CONNECTION %ld", ids[i]);
		mysql_query(m, sql); /* it may have ended meanwhile */
		if (ids[i] > max)
			max = ids[i];
	}
	mysql_close(m);
	return max;
}

static long app_connections_after(long id)
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '%s' AND ID > %ld",
	         h_env("APP_DB_USER"), id);
	return h_sql_count("mysql", sql);
}

static void random_password(char *out, size_t cap)
{
	static unsigned n;
	snprintf(out, cap, "rot%d-%u-%ld", (int)getpid(), ++n, (long)time(NULL));
}

static long get_status(const char *path)
{
	struct h_resp r = { 0 };
	ck_assert_int_eq(h_get(path, &r), 0);
	long st = r.status;
	h_resp_free(&r);
	return st;
}

static int table_exists(const char *table)
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'users' AND "
	         "TABLE_NAME = '%s'",
	         table);
	return h_sql_count("mysql", sql) == 1;
}

START_TEST(app_user_changes_rows_never_the_schema)
{
	char pw[256];
	read_password(pw, sizeof pw);
	unsigned err;
	MYSQL *m = connect_as(h_env("APP_DB_USER"), pw, &err);
	ck_assert_msg(m, "the app user cannot connect: %u", err);
	ck_assert_int_eq(mysql_query(m, "SELECT COUNT(*) FROM users"), 0);
	mysql_free_result(mysql_store_result(m));
	const char *refused[] = { "CREATE TABLE grants_probe (i INT)",
		                  "ALTER TABLE users ADD COLUMN probe INT", "DROP TABLE users",
		                  "TRUNCATE TABLE users",
		                  "CREATE INDEX probe ON users (userName)" };
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		ck_assert_msg(mysql_query(m, refused[i]) != 0, "allowed: %s", refused[i]);
		ck_assert_msg(mysql_errno(m) == ER_TABLEACCESS_DENIED_ERROR ||
		                      mysql_errno(m) == ER_DBACCESS_DENIED_ERROR,
		              "%s: %u %s", refused[i], mysql_errno(m), mysql_error(m));
	}
	ck_assert_msg(mysql_query(m, "GRANT SELECT ON users.users TO 'nobody'@'localhost'") != 0,
	              "the app user may grant");
	/* The audit trail only grows: no UPDATE, no DELETE (when i17's table exists). */
	if (table_exists("audit")) {
		ck_assert_int_eq(mysql_query(m, "SELECT COUNT(*) FROM audit"), 0);
		mysql_free_result(mysql_store_result(m));
		const char *audit_refused[] = { "DELETE FROM audit",
			                        "UPDATE audit SET action = 'x'" };
		for (size_t i = 0; i < 2; i++) {
			ck_assert_msg(mysql_query(m, audit_refused[i]) != 0, "allowed: %s",
			              audit_refused[i]);
			ck_assert_uint_eq(mysql_errno(m), ER_TABLEACCESS_DENIED_ERROR);
		}
	} else {
		printf("test_db_grants: skipped the audit checks: no table audit yet\n");
	}
	mysql_close(m);

	/* Exactly the table's privileges, table by table. */
	for (const struct table_grant *g = app_grants; g->table; g++) {
		if (!table_exists(g->table)) {
			printf("test_db_grants: skipped %s: the table does not exist yet\n",
			       g->table);
			continue;
		}
		char sql[600], want[64];
		snprintf(sql, sizeof sql,
		         "SELECT GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY FIELD(PRIVILEGE_TYPE, "
		         "'SELECT', "
		         "'INSERT', 'UPDATE', 'DELETE'), PRIVILEGE_TYPE SEPARATOR ', ') FROM "
		         "information_schema.TABLE_PRIVILEGES WHERE GRANTEE = "
		         "'''%s''@''localhost''' "
		         "AND TABLE_SCHEMA = 'users' AND TABLE_NAME = '%s'",
		         h_env("APP_DB_USER"), g->table);
		char *held = h_sql_value("mysql", sql);
		ck_assert_msg(held, "nothing granted on %s", g->table);
		ck_assert_str_eq(held, db_privileges_text(g->privileges, want, sizeof want));
		free(held);
	}
}
END_TEST

static char migrate_env[4][600];
static int migrate_app(const char *user, const char *password_file, char **out)
{
	snprintf(migrate_env[0], sizeof migrate_env[0], "APP_DATABASE_USER=%s", user);
	snprintf(migrate_env[1], sizeof migrate_env[1], "APP_DATABASE_PASSWORD_FILE=%s",
	         password_file);
	snprintf(migrate_env[2], sizeof migrate_env[2], "APP_DATABASE_HOST=localhost");
	snprintf(migrate_env[3], sizeof migrate_env[3], "MIGRATIONS_DIR=sql");
	const char *env[] = { migrate_env[0], migrate_env[1], migrate_env[2], migrate_env[3],
		              NULL };
	const char *args[] = { "migrate", NULL };
	return h_backend(env, args, out);
}

START_TEST(migrate_takes_back_what_the_table_does_not_list)
{
	char sql[400];
	const char *u = h_env("APP_DB_USER");
	snprintf(sql, sizeof sql, "GRANT DROP, ALTER ON users.users TO '%s'@'localhost'", u);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
	snprintf(sql, sizeof sql, "GRANT CREATE ON users.* TO '%s'@'localhost' WITH GRANT OPTION",
	         u);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
	snprintf(sql, sizeof sql, "GRANT PROCESS ON *.* TO '%s'@'localhost'", u);
	ck_assert_int_eq(h_sql("mysql", sql), 0);
	char *out = NULL, pw[256];
	int rc = migrate_app(u, h_env("APP_DB_PASSWORD_FILE"), &out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "revoked DROP ON `users`.`users`"), "%s", out);
	ck_assert_msg(strstr(out, "revoked ALTER ON `users`.`users`"), "%s", out);
	ck_assert_msg(strstr(out, "revoked CREATE ON `users`.*"), "%s", out);
	ck_assert_msg(strstr(out, "revoked GRANT OPTION ON `users`.*"), "%s", out);
	ck_assert_msg(strstr(out, "revoked PROCESS ON *.*"), "%s", out);
	read_password(pw, sizeof pw);
	ck_assert_msg(!strstr(out, pw), "the output shows the password: %s", out);
	free(out);
	unsigned err;
	MYSQL *m = connect_as(u, pw, &err);
	ck_assert_msg(m, "connect: %u", err);
	ck_assert_int_ne(mysql_query(m, "DROP TABLE users"), 0);
	ck_assert_int_ne(mysql_query(m, "CREATE TABLE grants_probe (i INT)"), 0);
	mysql_close(m);
	/* Run again: nothing left to take back. */
	rc = migrate_app(u, h_env("APP_DB_PASSWORD_FILE"), &out);
	ck_assert_msg(rc == 0 && !strstr(out, "revoked"), "exit %d: %s", rc, out);
	free(out);
}
END_TEST

START_TEST(migrate_refuses_a_bad_app_user)
{
	char *out = NULL;
	int rc = migrate_app(h_env("DB_USER"), h_env("APP_DB_PASSWORD_FILE"), &out);
	ck_assert_msg(rc == 2 && strstr(out, "DATABASE_URI's own user"), "exit %d: %s", rc, out);
	free(out);
	rc = migrate_app("app'x", h_env("APP_DB_PASSWORD_FILE"), &out);
	ck_assert_msg(rc == 2 && strstr(out, "APP_DATABASE_USER"), "exit %d: %s", rc, out);
	free(out);
	rc = migrate_app("other_app", "/dev/null", &out);
	ck_assert_msg(rc == 2 && strstr(out, "needs a password"), "exit %d: %s", rc, out);
	free(out);
	rc = migrate_app("other_app", "/nonexistent/pw", &out);
	ck_assert_msg(rc == 2 && strstr(out, "APP_DATABASE_PASSWORD_FILE"), "exit %d: %s", rc, out);
	free(out);
	ck_assert_int_eq(h_sql_count("mysql", "SELECT 1 FROM mysql.user WHERE User = 'other_app' "
	                                      "OR User = 'app''x'"),
	                 0);
}
END_TEST

/* The server's password changes first, the file later (a Secret is updated late): the
 * pool answers 503 meanwhile, then 200 once the file holds it — no restart. */
START_TEST(late_file_then_recovered_without_restart)
{
	char old[256], pw[256];
	read_password(old, sizeof old);
	ck_assert_int_eq(get_status("/api/v1/users?limit=1"), 200);
	random_password(pw, sizeof pw);
	set_server_password(pw);
	kill_app_connections();
	ck_assert_int_eq(get_status("/api/v1/users?limit=1"), 503);
	write_password(pw);
	ck_assert_int_eq(get_status("/api/v1/users?limit=1"), 200);
	/* and back, file first this time */
	write_password(old);
	set_server_password(old);
	kill_app_connections();
	ck_assert_int_eq(get_status("/api/v1/users?limit=1"), 200);
}
END_TEST

struct stream {
	long requests, not_2xx, last_bad;
};

/* Requests one after another until stop is closed; counts in s (shared memory). */
static void request_stream(struct stream *s, int stop)
{
	for (;;) {
		char c;
		ssize_t k = read(stop, &c, 1);
		if (k == 0 || (k < 0 && errno != EAGAIN))
			break;
		struct h_resp r = { 0 };
		long st = h_get("/api/v1/users?limit=1", &r) == 0 ? r.status : 0;
		h_resp_free(&r);
		if (st < 200 || st > 299) {
			s->not_2xx++;
			s->last_bad = st;
		}
		__atomic_add_fetch(&s->requests, 1, __ATOMIC_SEQ_CST);
	}
}

/* Wait (up to a minute, polling) until the stream made n more requests. */
static void wait_for_requests(struct stream *s, long n)
{
	long until = __atomic_load_n(&s->requests, __ATOMIC_SEQ_CST) + n;
	for (int i = 0; i < 6000 && __atomic_load_n(&s->requests, __ATOMIC_SEQ_CST) < until; i++)
		usleep(10000);
	ck_assert_msg(s->requests >= until, "the request stream stalled at %ld", s->requests);
}

START_TEST(rotation_under_load_every_answer_2xx)
{
	struct stream *s =
	        mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(s, MAP_FAILED);
	memset(s, 0, sizeof *s);
	int stop[2];
	ck_assert_int_eq(pipe2(stop, O_NONBLOCK), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(stop[1]);
		request_stream(s, stop[0]);
		_exit(0);
	}
	close(stop[0]);
	char old[256], pw[256];
	read_password(old, sizeof old);
	wait_for_requests(s, 10);
	for (int round = 0; round < 2; round++) {
		/* the Secret first, then the account: the order that loses nothing */
		if (round == 0)
			random_password(pw, sizeof pw);
		else
			snprintf(pw, sizeof pw, "%s", old);
		write_password(pw);
		wait_for_requests(s, 5);
		set_server_password(pw);
		long killed_up_to = kill_app_connections();
		wait_for_requests(s, 30);
		if (round == 0) {
			/* The pool reconnected after the kill, and the password it started with
			 * is refused now: it uses the one the file holds. */
			ck_assert_int_ge(app_connections_after(killed_up_to), 1);
			unsigned err;
			MYSQL *m = connect_as(h_env("APP_DB_USER"), old, &err);
			ck_assert_ptr_null(m);
			ck_assert_uint_eq(err, ER_ACCESS_DENIED_ERROR);
		}
	}
	close(stop[1]);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(s->not_2xx == 0, "%ld of %ld requests were not 2xx (last: %ld)", s->not_2xx,
	              s->requests, s->last_bad);
	char log[600];
	snprintf(log, sizeof log, "grep -q 'DATABASE_PASSWORD_FILE holds now' '%s/backend.log'",
	         h_env("LOGS"));
	ck_assert_msg(system(log) == 0, "the backend did not log the re-read");
	printf("test_db_grants: %ld requests during two rotations, all 2xx\n", s->requests);
	munmap(s, sizeof *s);
}
END_TEST

int main(void)
{
	const TTest *const grants_tests[] = { app_user_changes_rows_never_the_schema,
		                              migrate_takes_back_what_the_table_does_not_list,
		                              migrate_refuses_a_bad_app_user,
		                              late_file_then_recovered_without_restart,
		                              rotation_under_load_every_answer_2xx,
		                              NULL };
	return check_run(check_suite(
	        "db-grants",
	        (const struct check_case[]){
	                { .name = "grants", .tests = grants_tests, .timeout = 120 }, { 0 } }));
}
