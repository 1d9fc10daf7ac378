/*
 * The old system's contract and the database behind it: GET /backend answers the
 * old shape in id order; the database restarts under a running pool (503 during the
 * outage, 200 on the first request after, without restarting the pool); settings
 * errors stop the backend with exit 2 and one line; passwords from a file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "check_run.h"
#include "harness.h"

START_TEST(backend_old_shape)
{
	struct h_resp r;
	ck_assert_int_eq(h_get("/backend", &r), 0);
	ck_assert_int_eq(r.status, 200);
	char *ct = h_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "application/json");
	free(ct);
	/* The seed users come first, in the old order, and the rest follow by id: the
	 * body equals the table read by id, in exactly the old format. */
	const char *seed = "[{\"userName\":\"Bob\"},{\"userName\":\"Jay\"},{\"userName\":\"Matt\"},"
	                   "{\"userName\":\"Ferg\"},{\"userName\":\"Mo\"}";
	ck_assert_msg(strncmp(r.body, seed, strlen(seed)) == 0, "body: %.200s", r.body);
	cJSON *j = h_body_json(&r);
	ck_assert(cJSON_IsArray(j));
	long rows = h_sql_count(NULL, "SELECT id FROM users");
	ck_assert_int_eq(cJSON_GetArraySize(j), rows);
	const cJSON *it;
	cJSON_ArrayForEach(it, j)
	{
		ck_assert_int_eq(cJSON_GetArraySize(it), 1); /* only userName, as before */
		ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(it, "userName"));
	}
	cJSON_Delete(j);
	h_resp_free(&r);
}
END_TEST

/* The backend pool's master pid, from the stack's pid file. */
static long backend_pid(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/pids/backend.pid", h_env("RUN_DIR"));
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	long pid = 0;
	ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	return pid;
}

START_TEST(database_restart)
{
	struct h_resp r;
	long pool = backend_pid();
	/* warm every worker's connection */
	for (int i = 0; i < 6; i++) {
		ck_assert_int_eq(h_get("/api/v1/users?limit=1", &r), 0);
		ck_assert_int_eq(r.status, 200);
		h_resp_free(&r);
	}
	ck_assert_int_eq(h_db_stop(), 0);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(h_get("/api/v1/users?limit=1", &r), 0);
		ck_assert_msg(r.status == 503, "during the outage: %ld %s", r.status, r.body);
		char *ct = h_header(&r, "Content-Type");
		ck_assert_str_eq(ct, "application/problem+json");
		free(ct);
		char *ra = h_header(&r, "Retry-After");
		ck_assert_ptr_nonnull(ra);
		free(ra);
		h_resp_free(&r);
	}
	ck_assert_int_eq(h_get("/api/v1/ready", &r), 0);
	ck_assert_int_eq(r.status, 503);
	h_resp_free(&r);
	ck_assert_int_eq(h_get("/api/v1/health", &r), 0);
	ck_assert_int_eq(r.status, 200); /* the process still serves */
	h_resp_free(&r);

	ck_assert_int_eq(h_db_start(), 0);
	/* the very first request after recovery succeeds, and every one after */
	ck_assert_int_eq(h_get("/backend", &r), 0);
	ck_assert_msg(r.status == 200, "first after recovery: %ld %s", r.status, r.body);
	h_resp_free(&r);
	for (int i = 0; i < 6; i++) {
		ck_assert_int_eq(h_get("/api/v1/users?limit=1", &r), 0);
		ck_assert_int_eq(r.status, 200);
		h_resp_free(&r);
	}
	/* writes too (a new connection in each worker) */
	char *n = h_unique("afterRestart");
	h_create_user(n);
	free(n);
	/* the same pool served throughout */
	ck_assert_int_eq(backend_pid(), pool);
	ck_assert_int_eq(kill((pid_t)pool, 0), 0);
}
END_TEST

/* The backend refuses bad settings at start: exit 2, one line naming the setting. */
START_TEST(bad_settings_exit_2)
{
	static const struct {
		const char *env;
		const char *name;
	} cases[] = {
		{ "DATABASE_URI=", "DATABASE_URI" },
		{ "DATABASE_URI=postgres://u@h/db", "DATABASE_URI" },
		{ "DATABASE_URI=mysql://u@h", "DATABASE_URI" },
		{ "DATABASE_URI=mysql://u@h:99999/db", "DATABASE_URI" },
		{ "DATABASE_URI=mysql://u:%zz@h/db", "DATABASE_URI" },
		{ "DATABASE_URI=mysql://u@h/db?ssl-mode=SOMETIMES", "DATABASE_URI" },
		{ "DATABASE_URI=mysql://u@h/db?colour=blue", "DATABASE_URI" },
		{ "DB_CONNECT_TIMEOUT=soon", "DB_CONNECT_TIMEOUT" },
		{ "DATABASE_PASSWORD_FILE=/nonexistent/pw", "DATABASE_PASSWORD_FILE" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *env[] = { "DATABASE_URI=mysql://u:secret@h/db", cases[i].env, NULL };
		const char *args[] = { "migrate", NULL };
		char *out = NULL;
		int rc = h_backend(env, args, &out);
		ck_assert_msg(rc == 2, "%s: exit %d: %s", cases[i].env, rc, out);
		char want[128];
		snprintf(want, sizeof want, "setting %s", cases[i].name);
		ck_assert_msg(strstr(out, want), "%s: %s", cases[i].env, out);
		/* one line */
		ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1, "%s: %s", cases[i].env,
		              out);
		ck_assert_msg(!strstr(out, "secret"), "the password leaked: %s", out);
		free(out);
	}
	/* a required setting missing */
	const char *env[] = { NULL };
	char *out = NULL;
	unsetenv("DATABASE_URI");
	int rc = h_backend(env, NULL, &out);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(out, "DATABASE_URI"));
	free(out);
}
END_TEST

/* The old URI form, a password from a file, a wrong password. (TLS, timeouts:
 * test_db_connection.c.) */
START_TEST(uri_forms_and_password_file)
{
	const char *sock = h_env("MYSQL_SOCKET");
	char uri[512], pwfile[] = "/tmp/fcgi-pw-XXXXXX";
	int fd = mkstemp(pwfile);
	ck_assert_int_ge(fd, 0);
	dprintf(fd, "%s\n", h_env("DB_PASS"));
	close(fd);

	/* old form, no password in the URI: the file gives it */
	snprintf(uri, sizeof uri, "DATABASE_URI=mysql+pymysql://%s@localhost/users?socket=%s",
	         h_env("DB_USER"), sock);
	char pwenv[128];
	snprintf(pwenv, sizeof pwenv, "DATABASE_PASSWORD_FILE=%s", pwfile);
	char migdir[] = "MIGRATIONS_DIR=sql";
	const char *env[] = { uri, pwenv, migdir, NULL };
	const char *args[] = { "migrate", NULL };
	char *out = NULL;
	int rc = h_backend(env, args, &out);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "up to date"));
	free(out);

	/* wrong password: a clear failure, exit 1 */
	const char *env2[] = { uri, "DATABASE_PASSWORD=wrong", migdir, NULL };
	rc = h_backend(env2, args, &out);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "cannot connect"));
	free(out);

	unlink(pwfile);
}
END_TEST

int main(void)
{
	const TTest *const db_tests[] = { backend_old_shape, bad_settings_exit_2,
		                          uri_forms_and_password_file, database_restart, NULL };
	Suite *s = check_suite(
	        "compat-db", (const struct check_case[]){
	                             { .name = "db", .tests = db_tests, .timeout = 120 }, { 0 } });
	return check_run(s);
}
