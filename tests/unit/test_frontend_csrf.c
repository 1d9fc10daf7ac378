/*
 * Unit tests for fcgi-frontend/csrf: a token made for a cookie is accepted; a forged,
 * tampered, expired, missing or other-browser token is refused; a malformed cookie is
 * refused; another key's token is refused.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "csrf.h"

static struct sign_key key;
static char cookie[CSRF_COOKIE_LEN + 1];

static void setup(void)
{
	ck_assert_int_eq(sign_key_set(&key, "0123456789abcdef0123456789abcdef"), 0);
	ck_assert_int_eq(csrf_new_cookie(cookie), 0);
}

START_TEST(valid_token_accepted)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, 1000, 3600, tok), 0);
	ck_assert_int_eq(csrf_check(&key, cookie, tok, 1000), CSRF_OK);
	ck_assert_int_eq(csrf_check(&key, cookie, tok, 4600), CSRF_OK); /* last second */
}
END_TEST

START_TEST(forged_tokens_refused)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, 1000, 3600, tok), 0);
	char bad[CSRF_TOKEN_MAX];
	strcpy(bad, tok);
	size_t n = strlen(bad);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0'; /* flip the last signature digit */
	ck_assert_int_eq(csrf_check(&key, cookie, bad, 1000), CSRF_FORGED);
	/* A later expiry with the old signature: extending a token is forging it. */
	strcpy(bad, tok);
	bad[0] = '9';
	ck_assert_int_eq(csrf_check(&key, cookie, bad, 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, "garbage", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, "4600.", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, ".abc", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, "-5.abc", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, "99999999999999999999.ab", 1000), CSRF_FORGED);
}
END_TEST

START_TEST(other_key_refused)
{
	struct sign_key other;
	ck_assert_int_eq(sign_key_set(&other, "another key, equally long......."), 0);
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&other, cookie, 1000, 3600, tok), 0);
	ck_assert_int_eq(csrf_check(&key, cookie, tok, 1000), CSRF_FORGED);
}
END_TEST

START_TEST(expired_token_refused)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, 1000, 3600, tok), 0);
	ck_assert_int_eq(csrf_check(&key, cookie, tok, 4601), CSRF_EXPIRED);
}
END_TEST

START_TEST(wrong_or_missing_cookie_refused)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, 1000, 3600, tok), 0);
	char other[CSRF_COOKIE_LEN + 1];
	ck_assert_int_eq(csrf_new_cookie(other), 0);
	ck_assert_str_ne(other, cookie);
	ck_assert_int_eq(csrf_check(&key, other, tok, 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, NULL, tok, 1000), CSRF_NO_COOKIE);
	ck_assert_int_eq(csrf_check(&key, "", tok, 1000), CSRF_NO_COOKIE);
	ck_assert_int_eq(csrf_check(&key, "short", tok, 1000), CSRF_NO_COOKIE);
	char upper[CSRF_COOKIE_LEN + 1];
	memset(upper, 'A', CSRF_COOKIE_LEN);
	upper[CSRF_COOKIE_LEN] = '\0';
	ck_assert_int_eq(csrf_check(&key, upper, tok, 1000), CSRF_NO_COOKIE);
	ck_assert_int_eq(csrf_token(&key, "short", 1000, 3600, tok), -1);
}
END_TEST

START_TEST(missing_token_refused)
{
	ck_assert_int_eq(csrf_check(&key, cookie, NULL, 1000), CSRF_MISSING);
	ck_assert_int_eq(csrf_check(&key, cookie, "", 1000), CSRF_MISSING);
}
END_TEST

START_TEST(sign_equal_compares)
{
	ck_assert_int_eq(sign_equal("abc", "abc"), 1);
	ck_assert_int_eq(sign_equal("abc", "abd"), 0);
	ck_assert_int_eq(sign_equal("abc", "ab"), 0);
	struct sign_key k;
	ck_assert_int_eq(sign_key_set(&k, ""), -1);
	/* RFC 4231 test case 2. */
	ck_assert_int_eq(sign_key_set(&k, "Jefe"), 0);
	char mac[SIGN_HEX_LEN + 1];
	const char *msg = "what do ya want for nothing?";
	ck_assert_int_eq(sign_hex(&k, msg, strlen(msg), mac), 0);
	ck_assert_str_eq(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { valid_token_accepted,
		                            forged_tokens_refused,
		                            other_key_refused,
		                            expired_token_refused,
		                            wrong_or_missing_cookie_refused,
		                            missing_token_refused,
		                            sign_equal_compares,
		                            NULL };
	Suite *s = check_suite(
	        "frontend_csrf",
	        (const struct check_case[]){
	                { .name = "core", .tests = core_tests, .setup = setup, .teardown = NULL },
	                { 0 } });
	return check_run(s);
}
