/*
 * Integration: requests whose values reach the pools' log lines hostile — paths with
 * bytes that are not UTF-8 (nginx decodes %ff into DOCUMENT_URI), quotes, control
 * characters, a path over 4 KB, a header over 4 KB, a name that is not UTF-8 — all
 * answered as the API and pages say. tests/integration/run.sh then reads every line
 * the pools and nginx wrote during the suites (LOG_FORMAT=json) with jq and checks
 * it is UTF-8: one bad line fails the run.
 */
#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "harness.h"

static long status_of(const char *path)
{
	struct h_resp r;
	ck_assert_int_eq(h_get(path, &r), 0);
	long st = r.status;
	h_resp_free(&r);
	return st;
}

START_TEST(paths_not_utf8)
{
	ck_assert_int_eq(status_of("/api/v1/users/%ff%fe"), 404);
	ck_assert_int_eq(status_of("/api/v1/users/%c0%af"), 404);
	ck_assert_int_eq(status_of("/users/%ed%a0%80"), 404);
	ck_assert_int_eq(status_of("/nothing/%e2%80"), 404);
}
END_TEST

START_TEST(paths_with_quotes_and_controls)
{
	ck_assert_int_eq(status_of("/api/v1/users/%22x%22%20y=1"), 404);
	ck_assert_int_eq(status_of("/api/v1/users/a%0Ab%0D%09%01%7F"), 404);
	ck_assert_int_eq(status_of("/users/%5C%22%5C"), 404);
}
END_TEST

START_TEST(path_over_4k)
{
	size_t n = 5000;
	char *path = malloc(n + 32);
	strcpy(path, "/api/v1/users/");
	size_t at = strlen(path);
	for (size_t i = 0; i < n; i++)
		path[at + i] = (char)('a' + i % 26);
	path[at + n] = '\0';
	ck_assert_int_eq(status_of(path), 404);
	memcpy(path, "/users/", 7); /* the frontend's turn */
	ck_assert_int_eq(status_of(path), 404);
	free(path);
}
END_TEST

/* GET path through nginx with one extra request header; the status. */
static long status_with_header(const char *path, const char *header)
{
	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	char url[512];
	snprintf(url, sizeof url, "%s%s", h_env("BASE_URL"), path);
	struct curl_slist *hs = curl_slist_append(NULL, header);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	long st = 0;
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	return st;
}

START_TEST(header_over_4k)
{
	/* nginx passes it on to the pools as HTTP_X_PAD (its limit is 8 KB a line). */
	char hdr[5200] = "X-Pad: ";
	memset(hdr + 7, 'h', 5000);
	hdr[5007] = '\0';
	ck_assert_int_eq(status_with_header("/api/v1/users?limit=1", hdr), 200);
	ck_assert_int_eq(status_with_header("/", hdr), 200);
	char ua[5200] = "User-Agent: \"x\xff";
	memset(ua + 15, 'u', 5000);
	ua[5015] = '\0';
	ck_assert_int_eq(status_with_header("/backend", ua), 200);
}
END_TEST

START_TEST(name_not_utf8)
{
	struct h_resp r;
	ck_assert_int_eq(
	        h_json_request("POST", "/api/v1/users", "{\"userName\":\"Bob\xff\xfe\"}", &r), 0);
	ck_assert_int_eq(r.status, 422); /* refused as the API says */
	h_resp_free(&r);
}
END_TEST

int main(void)
{
	const TTest *const hostile_values_tests[] = {
		paths_not_utf8, paths_with_quotes_and_controls,
		path_over_4k,   header_over_4k,
		name_not_utf8,  NULL
	};
	Suite *s = check_suite("logs", (const struct check_case[]){ { .name = "hostile values",
	                                                              .tests = hostile_values_tests,
	                                                              .timeout = 60 },
	                                                            { 0 } });
	return check_run(s);
}
