/*
 * Unit tests of log_line: what a log collector sees. Every JSON line parses (cJSON, and
 * its bytes are valid UTF-8, which jq also demands), whatever a value holds: invalid
 * UTF-8, quotes, control bytes, 5 KB; an over-long value is cut inside its string; text
 * lines keep one value per key with quotes and control bytes escaped. The fuzz target
 * fuzz/fuzz_log_line.c checks the same properties on random input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check_run.h"
#include "log_line.h"
#include "utf8.h"

static const struct log_line_head head = { .ts = "2026-11-25T10:00:00.000Z",
	                                   .level = "info",
	                                   .name = "backend",
	                                   .pid = 42,
	                                   .msg = "access" };

static char line[LOG_LINE_MAX + 1];

/* Builds a JSON line, checks it is one valid line, returns the parsed object. */
static cJSON *json_of(const struct log_field *f, size_t n)
{
	size_t len = log_line_build(line, 1, &head, f, n);
	ck_assert_uint_eq(len, strlen(line));
	ck_assert_uint_le(len, LOG_LINE_MAX);
	ck_assert_int_eq(line[len - 1], '\n');
	ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
	ck_assert_int_ge(utf8_count(line, len), 0);
	cJSON *o = cJSON_Parse(line);
	ck_assert_msg(o != NULL, "not JSON: %s", line);
	return o;
}

static const char *str(cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	ck_assert_msg(cJSON_IsString(v), "no string %s in %s", key, line);
	return v->valuestring;
}

START_TEST(json_plain)
{
	struct log_field f[] = { { "method", "GET" },
		                 { "uri", "/api/v1/users?q=\"x\"\\" },
		                 { "request_id", "0123456789abcdef0123456789abcdef" } };
	cJSON *o = json_of(f, 3);
	ck_assert_str_eq(str(o, "msg"), "access");
	ck_assert_str_eq(str(o, "pool"), "backend");
	ck_assert_str_eq(str(o, "uri"), "/api/v1/users?q=\"x\"\\");
	ck_assert_str_eq(str(o, "request_id"), "0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(cJSON_GetObjectItem(o, "pid")->valueint, 42);
	cJSON_Delete(o);
}
END_TEST

START_TEST(json_invalid_utf8_replaced)
{
	struct log_field f[] = {
		{ "name", "Bob\xff\xfe" },         /* bytes that are never UTF-8 */
		{ "overlong", "\xc0\xaf" },        /* overlong '/' */
		{ "surrogate", "a\xed\xa0\x80z" }, /* U+D800 */
		{ "cut", "caf\xc3" },              /* a sequence cut short */
		{ "emoji", "\xf0\x9f\x98\x80" },   /* valid, 4 bytes: kept */
		{ "ctl", "a\nb\tc\x01" },
	};
	cJSON *o = json_of(f, 6);
	ck_assert_str_eq(str(o, "name"), "Bob\xEF\xBF\xBD\xEF\xBF\xBD");
	ck_assert_str_eq(str(o, "overlong"), "\xEF\xBF\xBD\xEF\xBF\xBD");
	ck_assert_str_eq(str(o, "surrogate"), "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
	ck_assert_str_eq(str(o, "cut"), "caf\xEF\xBF\xBD");
	ck_assert_str_eq(str(o, "emoji"), "\xf0\x9f\x98\x80");
	ck_assert_str_eq(str(o, "ctl"), "a\nb\tc\x01");
	cJSON_Delete(o);
}
END_TEST

START_TEST(json_long_value_cut_inside_the_string)
{
	char *big = malloc(5001);
	memset(big, 'x', 5000);
	big[5000] = '\0';
	struct log_field f[] = { { "header", big }, { "status", "200" } };
	cJSON *o = json_of(f, 2);
	const char *v = str(o, "header");
	size_t n = strlen(v);
	ck_assert_uint_le(n, LOG_VALUE_MAX);
	ck_assert_uint_gt(n, 100);
	ck_assert_str_eq(v + n - 3, "\xE2\x80\xA6"); /* "…" */
	ck_assert_str_eq(str(o, "status"), "200");   /* the fields after it survive */
	cJSON_Delete(o);
	free(big);
}
END_TEST

START_TEST(json_many_long_values_fit)
{
	/* Eight 3 KB values of control bytes (6 bytes each once escaped): limits halve. */
	static char vals[8][3001];
	struct log_field f[8];
	char keys[8][16];
	for (int i = 0; i < 8; i++) {
		memset(vals[i], 0x01, 3000);
		vals[i][3000] = '\0';
		snprintf(keys[i], sizeof keys[i], "k%d", i);
		f[i] = (struct log_field){ keys[i], vals[i] };
	}
	cJSON *o = json_of(f, 8);
	for (int i = 0; i < 8; i++)
		ck_assert_str_eq(str(o, keys[i]) + strlen(str(o, keys[i])) - 3, "\xE2\x80\xA6");
	cJSON_Delete(o);
}
END_TEST

START_TEST(json_cut_never_splits_a_character)
{
	char big[3000];
	for (size_t i = 0; i + 2 < sizeof big; i += 2)
		memcpy(big + i, "\xc3\xa9", 2); /* é */
	big[sizeof big - 2] = '\0';
	struct log_field f[] = { { "v", big } };
	cJSON *o = json_of(f, 1);
	ck_assert_int_ge(utf8_count(str(o, "v"), strlen(str(o, "v"))), 0);
	cJSON_Delete(o);
}
END_TEST

START_TEST(text_quotes_and_controls_escaped)
{
	struct log_field f[] = { { "name", "say \"hi\" x=1" }, { "uri", "/a b" },
		                 { "plain", "GET" },           { "empty", "" },
		                 { "nl", "a\nb\r\\" },         { "bad", "x\xff" } };
	size_t len = log_line_build(line, 0, &head, f, 6);
	ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
	ck_assert_ptr_nonnull(strstr(line, "info backend[42]: access "));
	ck_assert_ptr_nonnull(strstr(line, " name=\"say \\\"hi\\\" x=1\""));
	ck_assert_ptr_nonnull(strstr(line, " uri=\"/a b\""));
	ck_assert_ptr_nonnull(strstr(line, " plain=GET"));
	ck_assert_ptr_nonnull(strstr(line, " empty=\"\""));
	ck_assert_ptr_nonnull(strstr(line, " nl=\"a\\nb\\r\\\\\""));
	ck_assert_ptr_nonnull(strstr(line, " bad=x\xEF\xBF\xBD\n"));
}
END_TEST

START_TEST(text_message_stays_on_one_line)
{
	struct log_line_head h = head;
	h.msg = "two\nlines\x85";
	size_t len = log_line_build(line, 0, &h, NULL, 0);
	ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
	ck_assert_ptr_nonnull(strstr(line, "two\\nlines\xEF\xBF\xBD"));
}
END_TEST

START_TEST(keys_cannot_break_the_line)
{
	struct log_field f[] = { { "a b=\"c", "v" } };
	log_line_build(line, 0, &head, f, 1);
	ck_assert_ptr_nonnull(strstr(line, " a_b__c=v\n"));
	cJSON *o = json_of(f, 1);
	ck_assert_str_eq(str(o, "a_b__c"), "v");
	cJSON_Delete(o);
}
END_TEST

START_TEST(utf8_helper)
{
	char out[24];
	ck_assert_uint_eq(log_line_utf8(out, 10, "abc", 3), 3);
	ck_assert_str_eq(out, "abc");
	ck_assert_uint_eq(log_line_utf8(out, 5, "abcdefgh", 8), 5);
	ck_assert_str_eq(out, "ab\xE2\x80\xA6");
	/* Past U+10FFFF: each of the four bytes is replaced. */
	ck_assert_uint_eq(log_line_utf8(out, 12, "\xf4\x90\x80\x80", 4), 12);
	ck_assert_str_eq(out, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}
END_TEST

static Suite *suite(void)
{
	const TTest *const lines_tests[] = { json_plain,
		                             json_invalid_utf8_replaced,
		                             json_long_value_cut_inside_the_string,
		                             json_many_long_values_fit,
		                             json_cut_never_splits_a_character,
		                             text_quotes_and_controls_escaped,
		                             text_message_stays_on_one_line,
		                             keys_cannot_break_the_line,
		                             utf8_helper,
		                             NULL };
	Suite *s = check_suite(
	        "log_line",
	        (const struct check_case[]){ { .name = "lines", .tests = lines_tests }, { 0 } });
	return s;
}

int main(void)
{
	return check_run(suite());
}
