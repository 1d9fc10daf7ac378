/*
 * Unit tests for fcgi-frontend/csrf: a token made for a cookie and a form is accepted;
 * a forged, tampered, expired, missing or other-browser token is refused, and so is a
 * token made for another form (issue 20: a token used to work for any form); a
 * malformed cookie is refused; another key's token is refused. Each token carries its
 * own random nonce inside the MAC, handed on when accepted (the backend spends it:
 * one use); a changed nonce and the old nonce-less shape are refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "csrf.h"

#define ACTION "/users/7/delete"

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
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, tok), 0);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, tok, 1000), CSRF_OK);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, tok, 4600), CSRF_OK); /* last second */
}
END_TEST

START_TEST(forged_tokens_refused)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, tok), 0);
	char bad[CSRF_TOKEN_MAX];
	strcpy(bad, tok);
	size_t n = strlen(bad);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0'; /* flip the last signature digit */
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, bad, 1000), CSRF_FORGED);
	/* A later expiry with the old signature: extending a token is forging it. */
	strcpy(bad, tok);
	bad[0] = '9';
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, bad, 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, "garbage", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, "4600.", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, ".abc", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, "-5.abc", 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, "99999999999999999999.ab", 1000),
	                 CSRF_FORGED);
}
END_TEST

START_TEST(other_key_refused)
{
	struct sign_key other;
	ck_assert_int_eq(sign_key_set(&other, "another key, equally long......."), 0);
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&other, cookie, ACTION, 1000, 3600, tok), 0);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, tok, 1000), CSRF_FORGED);
}
END_TEST

START_TEST(expired_token_refused)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, tok), 0);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, tok, 4601), CSRF_EXPIRED);
}
END_TEST

START_TEST(wrong_or_missing_cookie_refused)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, tok), 0);
	char other[CSRF_COOKIE_LEN + 1];
	ck_assert_int_eq(csrf_new_cookie(other), 0);
	ck_assert_str_ne(other, cookie);
	ck_assert_int_eq(csrf_check(&key, other, ACTION, tok, 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, NULL, ACTION, tok, 1000), CSRF_NO_COOKIE);
	ck_assert_int_eq(csrf_check(&key, "", ACTION, tok, 1000), CSRF_NO_COOKIE);
	ck_assert_int_eq(csrf_check(&key, "short", ACTION, tok, 1000), CSRF_NO_COOKIE);
	char upper[CSRF_COOKIE_LEN + 1];
	memset(upper, 'A', CSRF_COOKIE_LEN);
	upper[CSRF_COOKIE_LEN] = '\0';
	ck_assert_int_eq(csrf_check(&key, upper, ACTION, tok, 1000), CSRF_NO_COOKIE);
	ck_assert_int_eq(csrf_token(&key, "short", ACTION, 1000, 3600, tok), -1);
}
END_TEST

START_TEST(other_form_refused)
{
	char tok[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, tok), 0);
	ck_assert_int_eq(csrf_check(&key, cookie, "/users/8/delete", tok, 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, "/users", tok, 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, "/users/7", tok, 1000), CSRF_FORGED);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, tok, 1000), CSRF_OK);
	/* The path cannot be stretched into the signed message: "|" inside is just text. */
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION "|x", tok, 1000), CSRF_FORGED);
	char long_action[CSRF_ACTION_MAX + 1];
	memset(long_action, 'a', CSRF_ACTION_MAX);
	long_action[CSRF_ACTION_MAX] = '\0';
	ck_assert_int_eq(csrf_token(&key, cookie, long_action, 1000, 3600, tok), -1);
	ck_assert_int_eq(csrf_check(&key, cookie, long_action, tok, 1000), CSRF_FORGED);
}
END_TEST

START_TEST(each_token_has_its_own_nonce)
{
	char a[CSRF_TOKEN_MAX], b[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, a), 0);
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, b), 0);
	ck_assert_str_ne(a, b); /* same browser, form and second: still two tokens */
	/* EXPIRY "." NONCE "." MAC, and the check hands the nonce and expiry on. */
	ck_assert_uint_eq(strlen(a), 4 + 1 + CSRF_NONCE_LEN + 1 + SIGN_HEX_LEN);
	ck_assert_int_eq(strncmp(a, "4600.", 5), 0);
	ck_assert_int_eq(a[5 + CSRF_NONCE_LEN], '.');
	struct csrf_form fa, fb;
	ck_assert_int_eq(csrf_check_form(&key, cookie, ACTION, a, 1000, &fa), CSRF_OK);
	ck_assert_int_eq(csrf_check_form(&key, cookie, ACTION, b, 1000, &fb), CSRF_OK);
	ck_assert_int_eq(fa.expiry, 4600);
	ck_assert_int_eq(strncmp(fa.nonce, a + 5, CSRF_NONCE_LEN), 0);
	ck_assert_uint_eq(strlen(fa.nonce), CSRF_NONCE_LEN);
	ck_assert_str_ne(fa.nonce, fb.nonce);
	/* The same nonce, expiry, cookie and form make the same token. */
	char again[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token_make(&key, cookie, ACTION, 4600, fa.nonce, again), 0);
	ck_assert_str_eq(again, a);
}
END_TEST

START_TEST(nonce_is_signed)
{
	char tok[CSRF_TOKEN_MAX], bad[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, tok), 0);
	/* A spent token made fresh by changing its nonce: refused. */
	strcpy(bad, tok);
	bad[5] = bad[5] == 'a' ? 'b' : 'a';
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, bad, 1000), CSRF_FORGED);
	/* One token's nonce under another's signature: refused. */
	char other[CSRF_TOKEN_MAX];
	ck_assert_int_eq(csrf_token(&key, cookie, ACTION, 1000, 3600, other), 0);
	strcpy(bad, tok);
	memcpy(bad + 5, other + 5, CSRF_NONCE_LEN);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, bad, 1000), CSRF_FORGED);
	/* Nonces of the wrong shape: upper case, short, long, missing. */
	strcpy(bad, tok);
	bad[5] = 'A';
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, bad, 1000), CSRF_FORGED);
	char shorter[CSRF_TOKEN_MAX];
	snprintf(shorter, sizeof shorter, "4600.%.*s%s", CSRF_NONCE_LEN - 1, tok + 5,
	         tok + 5 + CSRF_NONCE_LEN);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, shorter, 1000), CSRF_FORGED);
	char longer[CSRF_TOKEN_MAX + 8];
	snprintf(longer, sizeof longer, "4600.0%s", tok + 5);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, longer, 1000), CSRF_FORGED);
	/* The old shape, EXPIRY "." MAC over cookie|EXPIRY|ACTION, is no longer a token. */
	char msg[256], mac[SIGN_HEX_LEN + 1], old[CSRF_TOKEN_MAX];
	int n = snprintf(msg, sizeof msg, "%s|4600|%s", cookie, ACTION);
	ck_assert_int_eq(sign_hex(&key, msg, (size_t)n, mac), 0);
	snprintf(old, sizeof old, "4600.%s", mac);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, old, 1000), CSRF_FORGED);
	/* csrf_token_make takes only a nonce of the right shape. */
	ck_assert_int_eq(csrf_token_make(&key, cookie, ACTION, 4600, "abc", bad), -1);
	ck_assert_int_eq(csrf_token_make(&key, cookie, ACTION, 4600,
	                                 "0123456789ABCDEF0123456789abcdef", bad),
	                 -1);
	ck_assert_int_eq(csrf_token_make(&key, cookie, ACTION, 4600, NULL, bad), -1);
	/* A refused token hands nothing on. */
	struct csrf_form f = { .nonce = "untouched", .expiry = 7 };
	ck_assert_int_eq(csrf_check_form(&key, cookie, ACTION, old, 1000, &f), CSRF_FORGED);
	ck_assert_str_eq(f.nonce, "untouched");
	ck_assert_int_eq(f.expiry, 7);
}
END_TEST

START_TEST(missing_token_refused)
{
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, NULL, 1000), CSRF_MISSING);
	ck_assert_int_eq(csrf_check(&key, cookie, ACTION, "", 1000), CSRF_MISSING);
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
		                            other_form_refused,
		                            missing_token_refused,
		                            each_token_has_its_own_nonce,
		                            nonce_is_signed,
		                            sign_equal_compares,
		                            NULL };
	Suite *s = check_suite(
	        "frontend_csrf",
	        (const struct check_case[]){
	                { .name = "core", .tests = core_tests, .setup = setup, .teardown = NULL },
	                { 0 } });
	return check_run(s);
}
