/*
 * Unit tests for fcgi-backend/cursor: every order's cursor comes back as it went out
 * (names with ':', quotes and UTF-8 included) in URL-safe characters only, and what
 * is not a cursor is refused: other alphabets, base64 of anything else, ids out of
 * range, a key where none belongs or none where one does.
 */
#include <check.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "cursor.h"

/* base64url without padding of raw bytes: cursors made by hand. */
static void b64url(const char *raw, size_t n, char *out)
{
	unsigned char b[512];
	int m = EVP_EncodeBlock(b, (const unsigned char *)raw, (int)n);
	while (m > 0 && b[m - 1] == '=')
		m--;
	for (int i = 0; i < m; i++)
		out[i] = b[i] == '+' ? '-' : b[i] == '/' ? '_' : (char)b[i];
	out[m] = '\0';
}

START_TEST(round_trips)
{
	const struct {
		enum list_order o;
		long long id;
		const char *key;
	} cases[] = {
		{ ORDER_ID, 1, "" },
		{ ORDER_ID_DESC, 4294967295LL, "" },
		{ ORDER_NAME, 17, "bob" },
		{ ORDER_NAME_DESC, 900000, "a:b:c \"x\" josé 😀" },
		{ ORDER_NAME, 5, "\xff\xfe binary ok" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cursor c = { .order = cases[i].o, .id = cases[i].id };
		c.key_len = strlen(cases[i].key);
		memcpy(c.key, cases[i].key, c.key_len);
		char text[CURSOR_TEXT_MAX];
		ck_assert_int_eq(cursor_encode(&c, text, sizeof text), 0);
		ck_assert_uint_eq(strspn(text,
		                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                         "0123456789-_"),
		                  strlen(text));
		struct cursor back;
		ck_assert_int_eq(cursor_decode(text, &back), 0);
		ck_assert_int_eq(back.order, cases[i].o);
		ck_assert_int_eq(back.id, cases[i].id);
		ck_assert_uint_eq(back.key_len, strlen(cases[i].key));
		ck_assert_int_eq(memcmp(back.key, cases[i].key, back.key_len), 0);
	}
	/* The longest key fits the text. */
	struct cursor c = { .order = ORDER_NAME, .id = 4294967295LL, .key_len = CURSOR_KEY_MAX };
	memset(c.key, 'k', CURSOR_KEY_MAX);
	char text[CURSOR_TEXT_MAX];
	ck_assert_int_eq(cursor_encode(&c, text, sizeof text), 0);
	struct cursor back;
	ck_assert_int_eq(cursor_decode(text, &back), 0);
	ck_assert_uint_eq(back.key_len, CURSOR_KEY_MAX);
	ck_assert_int_eq(cursor_encode(&c, text, 10), -1);
}
END_TEST

START_TEST(refuses_what_is_not_a_cursor)
{
	struct cursor c;
	const char *texts[] = { "",        "abc",  "a+b/cdef", "aGVsbG8=",
		                "aGVsbG8", "!!!!", "aQ",       "a b c d" };
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		ck_assert_msg(cursor_decode(texts[i], &c) == -1, "accepted %s", texts[i]);
	const struct {
		const char *raw;
		size_t n;
	} raws[] = {
		{ "x:5:", 4 },               /* unknown order */
		{ "i:0:", 4 },               /* id 0 */
		{ "i:05:", 5 },              /* leading zero */
		{ "i:4294967296:", 13 },     /* id too large */
		{ "i:99999999999999:", 18 }, /* far too large */
		{ "i::", 3 },                /* no id */
		{ "i:5", 3 },                /* no second ':' */
		{ "i:5:bob", 7 },            /* a key on an order by id */
		{ "n:5:", 4 },               /* no key on an order by name */
		{ "n:5:b\0b", 7 },           /* a NUL in the key */
		{ "i-5:", 4 },               /* not "<tag>:" */
	};
	for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
		char text[64];
		b64url(raws[i].raw, raws[i].n, text);
		ck_assert_msg(cursor_decode(text, &c) == -1, "accepted case %zu (%s)", i, text);
	}
	char ok[64];
	b64url("n:5:bob", 7, ok);
	ck_assert_int_eq(cursor_decode(ok, &c), 0);
	char longtext[CURSOR_TEXT_MAX + 8];
	memset(longtext, 'A', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	ck_assert_int_eq(cursor_decode(longtext, &c), -1);
}
END_TEST

START_TEST(order_names)
{
	ck_assert_int_eq(list_order_parse("id"), ORDER_ID);
	ck_assert_int_eq(list_order_parse("-id"), ORDER_ID_DESC);
	ck_assert_int_eq(list_order_parse("name"), ORDER_NAME);
	ck_assert_int_eq(list_order_parse("-name"), ORDER_NAME_DESC);
	ck_assert_int_eq(list_order_parse("Name"), -1);
	ck_assert_int_eq(list_order_parse(""), -1);
	ck_assert_str_eq(list_order_name(ORDER_NAME_DESC), "-name");
}
END_TEST

int main(void)
{
	const TTest *const cursor_tests[] = { round_trips, refuses_what_is_not_a_cursor,
		                              order_names, NULL };
	Suite *s = check_suite(
	        "cursor",
	        (const struct check_case[]){ { .name = "cursor", .tests = cursor_tests }, { 0 } });
	return check_run(s);
}
