/*
 * Unit tests of log.c as a log reader meets it (issue 20 point 6, issue 16): lines
 * written through log_kv to a file, read back. Text: a value with '"', '=', spaces or
 * control bytes stays one quoted value a key=value parser reads back exactly; JSON:
 * every line parses, and values that are not UTF-8 or over 4 KB do not break it. The
 * request id set for a request is on every line until it is cleared.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check_run.h"
#include "log.h"
#include "utf8.h"

static char path[64];

static void setup(void)
{
	snprintf(path, sizeof path, "/tmp/log-test.%d", (int)getpid());
	unlink(path);
}

static void teardown(void)
{
	log_set_request_id(NULL);
	log_init("test", LOG_TEXT, LOG_INFO, NULL);
	unlink(path);
}

/* The last line written to the log file. */
static const char *last_line(void)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	buf[0] = '\0';
	char line[8192];
	while (fgets(line, sizeof line, f))
		memcpy(buf, line, strlen(line) + 1);
	fclose(f);
	return buf;
}

START_TEST(text_quotes_stay_inside_one_value)
{
	ck_assert_int_eq(log_init("backend", LOG_TEXT, LOG_INFO, path), 0);
	log_kv(LOG_INFO, "request", "name", "say \"hi\" x=1", "next", "a\nb", NULL);
	const char *l = last_line();
	ck_assert_msg(strstr(l, " name=\"say \\\"hi\\\" x=1\" next=\"a\\nb\"\n") != NULL, "got: %s",
	              l);
}
END_TEST

START_TEST(json_lines_parse_whatever_the_values)
{
	ck_assert_int_eq(log_init("backend", LOG_JSON, LOG_INFO, path), 0);
	char *big = malloc(5001);
	memset(big, 'x', 5000);
	big[5000] = '\0';
	log_kv(LOG_INFO, "request", "path", "/u/\xff\xfe", "header", big, "status", "404", NULL);
	free(big);
	const char *l = last_line();
	ck_assert_int_ge(utf8_count(l, strlen(l)), 0);
	cJSON *o = cJSON_Parse(l);
	ck_assert_msg(o != NULL, "not JSON: %.200s", l);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "path")->valuestring,
	                 "/u/\xEF\xBF\xBD\xEF\xBF\xBD");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "status")->valuestring, "404");
	cJSON_Delete(o);
}
END_TEST

START_TEST(request_id_on_every_line)
{
	ck_assert_int_eq(log_init("frontend", LOG_JSON, LOG_INFO, path), 0);
	log_set_request_id("0123456789abcdef0123456789abcdef");
	ck_assert_str_eq(log_request_id(), "0123456789abcdef0123456789abcdef");
	log_msg(LOG_WARN, "backend answered %d", 503);
	cJSON *o = cJSON_Parse(last_line());
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "request_id")->valuestring,
	                 "0123456789abcdef0123456789abcdef");
	cJSON_Delete(o);
	log_set_request_id(NULL);
	ck_assert_str_eq(log_request_id(), "");
	log_kv(LOG_INFO, "pool started", NULL);
	o = cJSON_Parse(last_line());
	ck_assert_ptr_null(cJSON_GetObjectItem(o, "request_id"));
	cJSON_Delete(o);
	/* Text lines carry it too. */
	log_init("frontend", LOG_TEXT, LOG_INFO, path);
	log_set_request_id("abc");
	log_kv(LOG_ERROR, "boom", "k", "v", NULL);
	ck_assert_ptr_nonnull(strstr(last_line(), " k=v request_id=abc\n"));
}
END_TEST

/* The pid is kept rather than asked for on each line (a system call per request): a
 * worker forked after log_init must still write its own pid, not its master's. */
START_TEST(pid_is_the_writing_process_after_fork)
{
	ck_assert_int_eq(log_init("backend", LOG_JSON, LOG_INFO, path), 0);
	log_kv(LOG_INFO, "master line", NULL);
	cJSON *o = cJSON_Parse(last_line());
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq((int)cJSON_GetObjectItem(o, "pid")->valuedouble, (int)getpid());
	cJSON_Delete(o);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		log_kv(LOG_INFO, "worker line", NULL);
		_exit(0);
	}
	int st;
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	o = cJSON_Parse(last_line());
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "msg")->valuestring, "worker line");
	ck_assert_int_eq((int)cJSON_GetObjectItem(o, "pid")->valuedouble, (int)child);
	cJSON_Delete(o);
}
END_TEST

int main(void)
{
	const TTest *const lines_tests[] = { text_quotes_stay_inside_one_value,
		                             json_lines_parse_whatever_the_values,
		                             request_id_on_every_line,
		                             pid_is_the_writing_process_after_fork, NULL };
	return check_run(check_suite("log", (const struct check_case[]){ { .name = "lines",
	                                                                   .tests = lines_tests,
	                                                                   .setup = setup,
	                                                                   .teardown = teardown },
	                                                                 { 0 } }));
}
