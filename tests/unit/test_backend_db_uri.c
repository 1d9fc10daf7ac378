/*
 * DATABASE_URI parsing: both URI forms, percent-decoded credentials, sockets, TLS
 * modes, and the errors that stop the backend at start.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "db_uri.h"

START_TEST(full_uri)
{
	struct db_uri u;
	char why[200];
	ck_assert_int_eq(db_uri_parse("mysql://app:p%40ss%2Fw%25rd@db.example.com:3307/users?"
	                              "ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/rds.pem",
	                              &u, why, sizeof why),
	                 0);
	ck_assert_str_eq(u.user, "app");
	ck_assert_str_eq(u.password, "p@ss/w%rd");
	ck_assert_str_eq(u.host, "db.example.com");
	ck_assert_uint_eq(u.port, 3307);
	ck_assert_str_eq(u.database, "users");
	ck_assert_int_eq(u.ssl_mode, SSL_VERIFY_IDENTITY);
	ck_assert_str_eq(u.ssl_ca, "/etc/rds.pem");
	ck_assert_ptr_null(u.socket);
	db_uri_free(&u);
}
END_TEST

START_TEST(old_form_and_defaults)
{
	struct db_uri u;
	char why[200];
	ck_assert_int_eq(db_uri_parse("mysql+pymysql://root:pw@mysql/users?charset=utf8mb4", &u,
	                              why, sizeof why),
	                 0);
	ck_assert_str_eq(u.host, "mysql");
	ck_assert_uint_eq(u.port, 0);
	ck_assert_int_eq(u.ssl_mode, SSL_MODE_DEFAULT);
	db_uri_free(&u);
	/* no password; an unencoded '@' in the password still works (last '@' wins) */
	ck_assert_int_eq(db_uri_parse("mysql://u:a@b@h/d", &u, why, sizeof why), 0);
	ck_assert_str_eq(u.password, "a@b");
	ck_assert_str_eq(u.host, "h");
	db_uri_free(&u);
	ck_assert_int_eq(db_uri_parse("mysql://u@h/d", &u, why, sizeof why), 0);
	ck_assert_ptr_null(u.password);
	db_uri_free(&u);
	ck_assert_int_eq(
	        db_uri_parse("mysql://u@[::1]:3306/d?ssl_mode=required", &u, why, sizeof why), 0);
	ck_assert_str_eq(u.host, "::1");
	ck_assert_int_eq(u.ssl_mode, SSL_REQUIRED);
	db_uri_free(&u);
}
END_TEST

START_TEST(unix_socket)
{
	struct db_uri u;
	char why[200];
	ck_assert_int_eq(db_uri_parse("mysql://u:p@localhost/users?socket=/run/my.sock", &u, why,
	                              sizeof why),
	                 0);
	ck_assert_str_eq(u.socket, "/run/my.sock");
	db_uri_free(&u);
	ck_assert_int_eq(
	        db_uri_parse("mysql://u@/users?unix_socket=/run/my.sock", &u, why, sizeof why), 0);
	ck_assert_str_eq(u.socket, "/run/my.sock");
	db_uri_free(&u);
}
END_TEST

START_TEST(errors)
{
	static const char *const bad[] = {
		"",
		"postgres://u@h/d",
		"mysql://u@h",
		"mysql://u@h/",
		"mysql://u@h:0/d",
		"mysql://u@h:70000/d",
		"mysql://u@h:x/d",
		"mysql://u:%4@h/d",
		"mysql://u@h/d?ssl-mode=maybe",
		"mysql://u@h/d?charset=latin1",
		"mysql://u@h/d?pool_size=5",
		"mysql://u@/d",
		"mysql://u@[::1/d",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct db_uri u;
		char why[200] = "";
		ck_assert_msg(db_uri_parse(bad[i], &u, why, sizeof why) == -1, "accepted %s",
		              bad[i]);
		ck_assert_msg(why[0], "no reason for %s", bad[i]);
	}
	char why[200];
	struct db_uri u;
	ck_assert_int_eq(db_uri_set(NULL, "mysql://u:secret@h:1/d?x=1", &u, why, sizeof why), -1);
	ck_assert_ptr_null(strstr(why, "secret"));
}
END_TEST

int main(void)
{
	const TTest *const parse_tests[] = { full_uri, old_form_and_defaults, unix_socket, errors,
		                             NULL };
	Suite *s = check_suite(
	        "db_uri",
	        (const struct check_case[]){ { .name = "parse", .tests = parse_tests }, { 0 } });
	return check_run(s);
}
