/*
 * Unit tests for fcgi-frontend/session_cookie: a value made for a session reads back
 * as that editor with that token; an edited name, token, expiry or signature, another
 * key, an expired value and malformed values are refused; names and tokens outside
 * their alphabets are never written; the backend's expiry format parses.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "session_cookie.h"

static struct sign_key key;
static const char token[] = "fus_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";

static void setup(void)
{
	ck_assert_int_eq(sign_key_set(&key, "unit-test-key-unit-test-key-0123456789"), 0);
	ck_assert_int_eq((int)strlen(token), 47);
}

START_TEST(round_trip)
{
	char v[SESSION_COOKIE_MAX];
	ck_assert_int_eq(session_cookie_make(&key, token, 2000, "ann@example.org", v), 0);
	struct principal p;
	time_t exp = 0;
	ck_assert_int_eq(session_cookie_read(&key, v, 1000, &p, &exp), 0);
	ck_assert_int_eq(p.kind, PRINCIPAL_EDITOR);
	ck_assert_str_eq(p.name, "ann@example.org");
	ck_assert_str_eq(p.credential, token);
	ck_assert_int_eq((long)exp, 2000);
	/* Only cookie-safe characters: no ; , space " or \. */
	ck_assert_uint_eq(strcspn(v, ";, \"\\"), strlen(v));
}
END_TEST

START_TEST(tampering_refused)
{
	char v[SESSION_COOKIE_MAX], t[SESSION_COOKIE_MAX];
	struct principal p;
	time_t exp;
	ck_assert_int_eq(session_cookie_make(&key, token, 2000, "ann", v), 0);
	/* Another name (an editor who signed in as ann claims to be bob). */
	strcpy(t, v);
	size_t n = strlen(t);
	strcpy(t + n - 3, "bob");
	ck_assert_int_eq(session_cookie_read(&key, t, 1000, &p, &exp), -1);
	ck_assert_int_eq(p.kind, PRINCIPAL_NONE);
	ck_assert_str_eq(p.credential, "");
	/* A later expiry with the old signature. */
	strcpy(t, v);
	t[48] = '3';
	ck_assert_int_eq(session_cookie_read(&key, t, 1000, &p, &exp), -1);
	/* Another token. */
	strcpy(t, v);
	t[10] = t[10] == 'x' ? 'y' : 'x';
	ck_assert_int_eq(session_cookie_read(&key, t, 1000, &p, &exp), -1);
	/* A flipped signature digit. */
	strcpy(t, v);
	char *sig = strchr(strchr(t + 48, '.'), '.') ? strchr(t + 48, '.') + 1 : NULL;
	ck_assert_ptr_nonnull(sig);
	sig[5] = sig[5] == '0' ? '1' : '0';
	ck_assert_int_eq(session_cookie_read(&key, t, 1000, &p, &exp), -1);
	/* Another key. */
	struct sign_key other;
	ck_assert_int_eq(sign_key_set(&other, "another-key-another-key-0123456789abc"), 0);
	ck_assert_int_eq(session_cookie_read(&other, v, 1000, &p, &exp), -1);
}
END_TEST

START_TEST(expired_refused)
{
	char v[SESSION_COOKIE_MAX];
	struct principal p;
	time_t exp;
	ck_assert_int_eq(session_cookie_make(&key, token, 2000, "ann", v), 0);
	ck_assert_int_eq(session_cookie_read(&key, v, 1999, &p, &exp), 0);
	ck_assert_int_eq(session_cookie_read(&key, v, 2000, &p, &exp), -1);
	ck_assert_int_eq(session_cookie_read(&key, v, 5000, &p, &exp), -1);
}
END_TEST

START_TEST(malformed_refused)
{
	struct principal p;
	time_t exp;
	const char *bad[] = {
		"",
		"session",
		"fus_abc.2000.00.ann",
		"fus_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ.",
		"fus_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ.2000",
		"fus_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ.0200.aa.ann",
		"fus_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ.-5.aa.ann",
		"fut_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ.2000.aa.ann",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(session_cookie_read(&key, bad[i], 1000, &p, &exp) == -1, "%s",
		              bad[i]);
	ck_assert_int_eq(session_cookie_read(&key, NULL, 1000, &p, &exp), -1);
}
END_TEST

START_TEST(unfit_parts_not_written)
{
	char v[SESSION_COOKIE_MAX];
	ck_assert_int_eq(session_cookie_make(&key, token, 2000, "ann; evil=1", v), -1);
	ck_assert_int_eq(session_cookie_make(&key, token, 2000, "", v), -1);
	ck_assert_int_eq(session_cookie_make(&key, "fus_short", 2000, "ann", v), -1);
	ck_assert_int_eq(session_cookie_make(&key,
	                                     "fut_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
	                                     2000, "ann", v),
	                 -1);
	ck_assert_int_eq(session_cookie_make(&key, token, 0, "ann", v), -1);
	char longname[200];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	ck_assert_int_eq(session_cookie_make(&key, token, 2000, longname, v), -1);
}
END_TEST

START_TEST(expiry_parsed)
{
	ck_assert_int_eq((long)session_expiry_parse("1970-01-01T00:33:20Z"), 2000);
	ck_assert_int_eq((long)session_expiry_parse("2026-11-25T22:59:56Z"), 1795647596L);
	ck_assert_int_eq((long)session_expiry_parse("2026-11-25 22:59:56"), -1);
	ck_assert_int_eq((long)session_expiry_parse("2026-11-25T22:59:56Zjunk"), -1);
	ck_assert_int_eq((long)session_expiry_parse(NULL), -1);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		round_trip,
		tampering_refused,
		expired_refused,
		malformed_refused,
		unfit_parts_not_written,
		expiry_parsed,
		NULL,
	};
	return check_run(
	        check_suite("frontend_session_cookie",
	                    (const struct check_case[]){
	                            { .name = "core", .tests = tests, .setup = setup }, { 0 } }));
}
