/*
 * Unit tests for fcgi-backend/password: the library computes RFC 9106's argon2id test
 * vector; a hash has the stated parameters and format, verifies with its password and
 * no other, differs per salt; tampered, foreign and absurd hashes are refused;
 * re-hash is due exactly when the parameters differ; the dummy hash costs what a real
 * one does; the new-password rule.
 */
#include <argon2.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "password.h"

/* Cheap parameters for the tests that do not care about cost. */
static const struct password_params cheap = { .iterations = 1, .memory_kib = 64, .lanes = 1 };

START_TEST(library_matches_rfc9106_vector)
{
	/* RFC 9106 §5.3: Argon2id, 32 KiB, 3 passes, 4 lanes, with secret and AD. */
	unsigned char pwd[32], salt[16], secret[8], ad[12], out[32];
	memset(pwd, 0x01, sizeof pwd);
	memset(salt, 0x02, sizeof salt);
	memset(secret, 0x03, sizeof secret);
	memset(ad, 0x04, sizeof ad);
	argon2_context ctx = {
		.out = out,
		.outlen = sizeof out,
		.pwd = pwd,
		.pwdlen = sizeof pwd,
		.salt = salt,
		.saltlen = sizeof salt,
		.secret = secret,
		.secretlen = sizeof secret,
		.ad = ad,
		.adlen = sizeof ad,
		.t_cost = 3,
		.m_cost = 32,
		.lanes = 4,
		.threads = 4,
		.version = ARGON2_VERSION_13,
		.flags = ARGON2_DEFAULT_FLAGS,
	};
	ck_assert_int_eq(argon2_ctx(&ctx, Argon2_id), ARGON2_OK);
	static const unsigned char want[32] = {
		0x0d, 0x64, 0x0d, 0xf5, 0x8d, 0x78, 0x76, 0x6c, 0x08, 0xc0, 0x37,
		0xa3, 0x4a, 0x8b, 0x53, 0xc9, 0xd0, 0x1e, 0xf0, 0x45, 0x2d, 0x75,
		0xb6, 0x5e, 0xb5, 0x25, 0x20, 0xe9, 0x6b, 0x01, 0xe6, 0x59,
	};
	ck_assert_mem_eq(out, want, sizeof want);
}
END_TEST

START_TEST(default_hash_has_stated_format)
{
	char h[PASSWORD_ENCODED_MAX];
	const char *pw = "correct horse battery staple";
	ck_assert_int_eq(password_hash(&password_default_params, pw, strlen(pw), h), 0);
	const char *prefix = "$argon2id$v=19$m=19456,t=2,p=1$";
	ck_assert_msg(strncmp(h, prefix, strlen(prefix)) == 0, "hash %s", h);
	/* 16-byte salt and 32-byte tag, unpadded base64: 22 and 43 characters. */
	const char *salt = h + strlen(prefix);
	const char *dollar = strchr(salt, '$');
	ck_assert_ptr_nonnull(dollar);
	ck_assert_int_eq((int)(dollar - salt), 22);
	ck_assert_int_eq((int)strlen(dollar + 1), 43);
	/* The library's own verifier agrees with ours. */
	ck_assert_int_eq(argon2_verify(h, pw, strlen(pw), Argon2_id), ARGON2_OK);
	ck_assert_int_eq(password_verify(h, pw, strlen(pw)), PASSWORD_MATCH);
}
END_TEST

START_TEST(verify_only_the_right_password)
{
	char h[PASSWORD_ENCODED_MAX];
	const char *pw = "s3cret pässword";
	ck_assert_int_eq(password_hash(&cheap, pw, strlen(pw), h), 0);
	ck_assert_int_eq(password_verify(h, pw, strlen(pw)), PASSWORD_MATCH);
	ck_assert_int_eq(password_verify(h, "s3cret pässwore", strlen(pw)), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(h, pw, strlen(pw) - 1), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(h, "", 0), PASSWORD_MISMATCH);
	/* Bytes after a NUL count: the length, not the C string, is the password. */
	char withnul[] = "abc\0def";
	char h2[PASSWORD_ENCODED_MAX];
	ck_assert_int_eq(password_hash(&cheap, withnul, 7, h2), 0);
	ck_assert_int_eq(password_verify(h2, "abc", 3), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(h2, withnul, 7), PASSWORD_MATCH);
}
END_TEST

START_TEST(each_hash_has_its_own_salt)
{
	char a[PASSWORD_ENCODED_MAX], b[PASSWORD_ENCODED_MAX];
	ck_assert_int_eq(password_hash(&cheap, "same password", 13, a), 0);
	ck_assert_int_eq(password_hash(&cheap, "same password", 13, b), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(password_verify(a, "same password", 13), PASSWORD_MATCH);
	ck_assert_int_eq(password_verify(b, "same password", 13), PASSWORD_MATCH);
}
END_TEST

START_TEST(bad_hashes_refused)
{
	char h[PASSWORD_ENCODED_MAX];
	ck_assert_int_eq(password_hash(&cheap, "pw", 2, h), 0);
	/* A changed tag character: a mismatch. */
	char t[PASSWORD_ENCODED_MAX];
	strcpy(t, h);
	size_t n = strlen(t);
	t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(password_verify(t, "pw", 2), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(NULL, "pw", 2), PASSWORD_BAD_HASH);
	ck_assert_int_eq(password_verify("", "pw", 2), PASSWORD_BAD_HASH);
	ck_assert_int_eq(password_verify("plain text", "pw", 2), PASSWORD_BAD_HASH);
	/* Other argon2 variants and the old version are not ours. */
	char other[PASSWORD_ENCODED_MAX];
	ck_assert_int_eq(argon2i_hash_encoded(1, 64, 1, "pw", 2, "saltsaltsaltsalt", 16, 32, other,
	                                      sizeof other),
	                 ARGON2_OK);
	ck_assert_int_eq(password_verify(other, "pw", 2), PASSWORD_BAD_HASH);
	ck_assert_int_eq(password_verify("$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$"
	                                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                                 "pw", 2),
	                 PASSWORD_BAD_HASH);
	/* A stored hash asking for 4 GiB or 100 passes is refused without doing the work
	 * (the library would try to allocate it). */
	ck_assert_int_eq(password_verify("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
	                                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                                 "pw", 2),
	                 PASSWORD_BAD_HASH);
	ck_assert_int_eq(password_verify("$argon2id$v=19$m=64,t=100,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
	                                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                                 "pw", 2),
	                 PASSWORD_BAD_HASH);
}
END_TEST

START_TEST(too_long_password_refused)
{
	char *big = malloc(PASSWORD_MAX_LEN + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', PASSWORD_MAX_LEN + 1);
	char h[PASSWORD_ENCODED_MAX];
	ck_assert_int_eq(password_hash(&cheap, big, PASSWORD_MAX_LEN + 1, h), -1);
	ck_assert_int_eq(password_hash(&cheap, big, PASSWORD_MAX_LEN, h), 0);
	ck_assert_int_eq(password_verify(h, big, PASSWORD_MAX_LEN), PASSWORD_MATCH);
	ck_assert_int_eq(password_verify(h, big, PASSWORD_MAX_LEN + 1), PASSWORD_MISMATCH);
	free(big);
}
END_TEST

START_TEST(rehash_when_parameters_differ)
{
	char h[PASSWORD_ENCODED_MAX];
	ck_assert_int_eq(password_hash(&cheap, "pw", 2, h), 0);
	ck_assert_int_eq(password_needs_rehash(h, &cheap), 0);
	ck_assert_int_eq(password_needs_rehash(h, &password_default_params), 1);
	struct password_params more = cheap;
	more.iterations = 2;
	ck_assert_int_eq(password_needs_rehash(h, &more), 1);
	ck_assert_int_eq(password_needs_rehash("junk", &cheap), 1);
	ck_assert_int_eq(password_needs_rehash(NULL, &cheap), 1);
}
END_TEST

START_TEST(dummy_hash_has_default_cost)
{
	const char *d = password_dummy_hash();
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(password_needs_rehash(d, &password_default_params), 0);
	ck_assert_ptr_eq(password_dummy_hash(), d); /* made once */
	/* No password anyone could type matches it. */
	ck_assert_int_eq(password_verify(d, "", 0), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(d, "password", 8), PASSWORD_MISMATCH);
}
END_TEST

START_TEST(new_password_rule)
{
	char why[128];
	ck_assert_int_eq(password_acceptable("twelve chars", 12, why, sizeof why), 0);
	ck_assert_int_eq(password_acceptable("eleven char", 11, why, sizeof why), -1);
	ck_assert_msg(strstr(why, "at least 12") != NULL, "%s", why);
	/* Characters, not bytes: twelve two-byte letters pass, eleven do not. */
	const char *twelve = "éééééééééééé";
	ck_assert_int_eq(password_acceptable(twelve, strlen(twelve), why, sizeof why), 0);
	ck_assert_int_eq(password_acceptable(twelve, strlen(twelve) - 2, why, sizeof why), -1);
	ck_assert_int_eq(password_acceptable("bad utf-8 \xff here", 16, why, sizeof why), -1);
	ck_assert_msg(strstr(why, "UTF-8") != NULL, "%s", why);
	ck_assert_int_eq(password_acceptable("tab\there is bad", 16, why, sizeof why), -1);
	ck_assert_int_eq(password_acceptable("nul\0here is bad", 15, why, sizeof why), -1);
	char *big = malloc(PASSWORD_MAX_LEN + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', PASSWORD_MAX_LEN + 1);
	ck_assert_int_eq(password_acceptable(big, PASSWORD_MAX_LEN, why, sizeof why), 0);
	ck_assert_int_eq(password_acceptable(big, PASSWORD_MAX_LEN + 1, why, sizeof why), -1);
	free(big);
}
END_TEST

int main(void)
{
	const TTest *const core_tests[] = { library_matches_rfc9106_vector,
		                            default_hash_has_stated_format,
		                            verify_only_the_right_password,
		                            each_hash_has_its_own_salt,
		                            bad_hashes_refused,
		                            too_long_password_refused,
		                            rehash_when_parameters_differ,
		                            dummy_hash_has_default_cost,
		                            new_password_rule,
		                            NULL };
	Suite *s = check_suite(
	        "backend_password",
	        (const struct check_case[]){ { .name = "core", .tests = core_tests, .timeout = 60 },
	                                     { 0 } });
	return check_run(s);
}
