/*
 * Unit tests for fcgi-backend/token: tokens have their kind's prefix, 43 base64url
 * characters and differ each time; only that exact shape is recognised; the stored
 * hash is SHA-256 (FIPS 180-2 vector) of the whole token; Bearer headers parse as
 * RFC 6750 says; credentials in a query string are found.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "token.h"

START_TEST(new_tokens_have_the_shape)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1], c[TOKEN_LEN + 1];
	ck_assert_int_eq(token_new(TOKEN_SESSION, a), 0);
	ck_assert_int_eq(token_new(TOKEN_SESSION, b), 0);
	ck_assert_int_eq(token_new(TOKEN_API, c), 0);
	ck_assert_int_eq((int)strlen(a), TOKEN_LEN);
	ck_assert_int_eq((int)strlen(c), TOKEN_LEN);
	ck_assert(strncmp(a, "fus_", 4) == 0);
	ck_assert(strncmp(c, "fut_", 4) == 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(strspn(a + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                               "0123456789-_"),
	                 TOKEN_B64_LEN);
	ck_assert_int_eq(token_kind_of(a, strlen(a)), TOKEN_SESSION);
	ck_assert_int_eq(token_kind_of(c, strlen(c)), TOKEN_API);
}
END_TEST

START_TEST(many_tokens_all_recognised)
{
	/* The last character carries only 4 bits: every token made must still pass. */
	for (int i = 0; i < 2000; i++) {
		char t[TOKEN_LEN + 1];
		ck_assert_int_eq(token_new(i & 1 ? TOKEN_API : TOKEN_SESSION, t), 0);
		ck_assert_int_eq(token_kind_of(t, TOKEN_LEN), i & 1 ? TOKEN_API : TOKEN_SESSION);
	}
}
END_TEST

START_TEST(other_shapes_refused)
{
	char t[TOKEN_LEN + 1];
	ck_assert_int_eq(token_new(TOKEN_SESSION, t), 0);
	ck_assert_int_eq(token_kind_of(t, TOKEN_LEN - 1), -1);
	ck_assert_int_eq(token_kind_of(NULL, 0), -1);
	char bad[TOKEN_LEN + 2];
	memcpy(bad, t, sizeof t);
	bad[0] = 'x'; /* unknown kind */
	ck_assert_int_eq(token_kind_of(bad, TOKEN_LEN), -1);
	memcpy(bad, t, sizeof t);
	bad[10] = '+'; /* standard base64, not base64url */
	ck_assert_int_eq(token_kind_of(bad, TOKEN_LEN), -1);
	memcpy(bad, t, sizeof t);
	bad[TOKEN_LEN - 1] = 'B'; /* a last character 32 random bytes cannot end in */
	ck_assert_int_eq(token_kind_of(bad, TOKEN_LEN), -1);
	memcpy(bad, t, sizeof t);
	bad[TOKEN_LEN] = 'A'; /* one character too many */
	bad[TOKEN_LEN + 1] = '\0';
	ck_assert_int_eq(token_kind_of(bad, TOKEN_LEN + 1), -1);
}
END_TEST

START_TEST(hash_is_sha256_hex)
{
	char h[TOKEN_HASH_HEX + 1];
	ck_assert_int_eq(token_hash("abc", 3, h), 0);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	char t[TOKEN_LEN + 1], h1[TOKEN_HASH_HEX + 1], h2[TOKEN_HASH_HEX + 1];
	ck_assert_int_eq(token_new(TOKEN_API, t), 0);
	ck_assert_int_eq(token_hash(t, TOKEN_LEN, h1), 0);
	t[0] = 'x'; /* the prefix is part of what is hashed */
	ck_assert_int_eq(token_hash(t, TOKEN_LEN, h2), 0);
	ck_assert_str_ne(h1, h2);
	ck_assert_int_eq((int)strlen(h1), TOKEN_HASH_HEX);
}
END_TEST

START_TEST(bearer_header_parsed)
{
	char t[TOKEN_LEN + 1], out[TOKEN_LEN + 1], hdr[128];
	ck_assert_int_eq(token_new(TOKEN_SESSION, t), 0);
	snprintf(hdr, sizeof hdr, "Bearer %s", t);
	ck_assert_int_eq(token_from_authorization(hdr, out), TOKEN_SESSION);
	ck_assert_str_eq(out, t);
	snprintf(hdr, sizeof hdr, "bearer  %s ", t); /* scheme ignoring case, spaces */
	ck_assert_int_eq(token_from_authorization(hdr, out), TOKEN_SESSION);
	ck_assert_str_eq(out, t);
	snprintf(hdr, sizeof hdr, "Basic %s", t);
	ck_assert_int_eq(token_from_authorization(hdr, out), -1);
	ck_assert_str_eq(out, "");
	snprintf(hdr, sizeof hdr, "Bearer %s,x", t);
	ck_assert_int_eq(token_from_authorization(hdr, out), -1);
	ck_assert_int_eq(token_from_authorization("Bearer", out), -1);
	ck_assert_int_eq(token_from_authorization("Bearer ", out), -1);
	ck_assert_int_eq(token_from_authorization("", out), -1);
	ck_assert_int_eq(token_from_authorization(NULL, out), -1);
}
END_TEST

START_TEST(credentials_in_query_found)
{
	char t[TOKEN_LEN + 1], q[160];
	ck_assert_int_eq(token_new(TOKEN_API, t), 0);
	ck_assert_int_eq(token_in_query(NULL), 0);
	ck_assert_int_eq(token_in_query(""), 0);
	ck_assert_int_eq(token_in_query("limit=5&offset=10&q=Bob"), 0);
	ck_assert_int_eq(token_in_query("access_token=x"), 1);
	ck_assert_int_eq(token_in_query("limit=5&ACCESS_TOKEN="), 1);
	ck_assert_int_eq(token_in_query("access_token"), 1);
	ck_assert_int_eq(token_in_query("access_tokens=1"), 0);
	snprintf(q, sizeof q, "limit=5&token=%s", t);
	ck_assert_int_eq(token_in_query(q), 1);
	snprintf(q, sizeof q, "q=%s", t);
	ck_assert_int_eq(token_in_query(q), 1);
	snprintf(q, sizeof q, "q=x%s", t); /* inside a longer word: not a token */
	ck_assert_int_eq(token_in_query(q), 0);
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { new_tokens_have_the_shape,
		                            many_tokens_all_recognised,
		                            other_shapes_refused,
		                            hash_is_sha256_hex,
		                            bearer_header_parsed,
		                            credentials_in_query_found,
		                            NULL };
	Suite *s = check_suite(
	        "backend_token",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests }, { 0 } });
	return check_run(s);
}
