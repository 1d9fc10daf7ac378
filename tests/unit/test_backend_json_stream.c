/*
 * Unit tests for fcgi-backend/json_stream: its strings are byte for byte what cJSON
 * prints (every single byte, random strings, UTF-8), whatever the writer takes per
 * call and however the buffer boundaries fall; a failing writer stops the stream.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "json_stream.h"

struct sink {
	char *p;
	size_t len, cap;
	int max_per_call; /* a writer that takes few bytes at a time */
	int fail_after;   /* calls before it fails; -1: never */
};

static int sink_write(void *h, const char *b, int n)
{
	struct sink *s = h;
	if (s->fail_after == 0)
		return -1;
	if (s->fail_after > 0)
		s->fail_after--;
	if (s->max_per_call && n > s->max_per_call)
		n = s->max_per_call;
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		ck_assert_ptr_nonnull(s->p);
	}
	memcpy(s->p + s->len, b, (size_t)n);
	s->len += (size_t)n;
	s->p[s->len] = '\0';
	return n;
}

/* The string as cJSON prints it. */
static char *cjson_of(const char *str)
{
	cJSON *o = cJSON_CreateString(str);
	char *out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

static void check_same(const char *str, int max_per_call)
{
	static struct json_stream js;
	struct sink s = { .max_per_call = max_per_call, .fail_after = -1 };
	json_stream_init(&js, sink_write, &s);
	json_stream_string(&js, str);
	ck_assert_int_eq(json_stream_flush(&js), 0);
	char *want = cjson_of(str);
	ck_assert_msg(s.len == strlen(want) && memcmp(s.p, want, s.len) == 0,
	              "streamed %s, cJSON %s", s.p, want);
	ck_assert_uint_eq(js.total, s.len);
	free(want);
	free(s.p);
}

START_TEST(every_byte_as_cjson_prints_it)
{
	for (int c = 1; c < 256; c++) {
		char str[4] = { 'a', (char)c, 'z', '\0' };
		check_same(str, 0);
	}
	check_same("", 0);
	check_same("José 😀 \"quoted\" back\\slash /slash \x7f", 0);
}
END_TEST

START_TEST(random_strings_and_small_writes)
{
	srand(18);
	for (int i = 0; i < 2000; i++) {
		char str[64];
		int n = rand() % 63;
		for (int j = 0; j < n; j++)
			str[j] = (char)(1 + rand() % 255);
		str[n] = '\0';
		check_same(str, 1 + rand() % 9);
	}
}
END_TEST

START_TEST(an_array_across_many_buffers)
{
	/* 200,000 names: the buffer fills and flushes many times; the bytes are the
	 * array cJSON would print. */
	static struct json_stream js;
	struct sink s = { .fail_after = -1 };
	json_stream_init(&js, sink_write, &s);
	cJSON *arr = cJSON_CreateArray();
	json_stream_raw(&js, "[", 1);
	for (int i = 0; i < 200000; i++) {
		char name[40];
		snprintf(name, sizeof name, "n\"%d\\é\t", i);
		if (i)
			json_stream_raw(&js, ",", 1);
		json_stream_raw(&js, "{\"userName\":", 12);
		json_stream_string(&js, name);
		json_stream_raw(&js, "}", 1);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "userName", name);
		cJSON_AddItemToArray(arr, o);
	}
	json_stream_raw(&js, "]", 1);
	ck_assert_int_eq(json_stream_flush(&js), 0);
	char *want = cJSON_PrintUnformatted(arr);
	ck_assert_uint_eq(s.len, strlen(want));
	ck_assert_int_eq(memcmp(s.p, want, s.len), 0);
	ck_assert_uint_gt(s.len, 10 * JSON_STREAM_BUF);
	free(want);
	cJSON_Delete(arr);
	free(s.p);
}
END_TEST

START_TEST(a_failing_writer_stops_the_stream)
{
	static struct json_stream js;
	struct sink s = { .fail_after = 2 };
	json_stream_init(&js, sink_write, &s);
	for (int i = 0; i < 5000; i++)
		json_stream_string(&js, "a name long enough to fill the buffer soon");
	ck_assert_int_eq(json_stream_flush(&js), -1);
	ck_assert_int_eq(js.failed, 1);
	ck_assert_uint_eq(js.total, s.len);
	ck_assert_uint_eq(s.len, 2 * JSON_STREAM_BUF);
	free(s.p);
}
END_TEST

int main(void)
{
	const TTest *const json_stream_tests[] = { every_byte_as_cjson_prints_it,
		                                   random_strings_and_small_writes,
		                                   an_array_across_many_buffers,
		                                   a_failing_writer_stops_the_stream, NULL };
	Suite *s =
	        check_suite("json_stream",
	                    (const struct check_case[]){
	                            { .name = "json_stream", .tests = json_stream_tests }, { 0 } });
	return check_run(s);
}
