/*
 * validate: the validators input tables refer to. Messages are short and meant for
 * the person who typed the value ("must be 1 to 30 characters").
 */
#include "validate.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

int valid_int(const struct input_def *def, const struct raw_input *raw, struct input *out,
              char *why, size_t whylen)
{
	long long v = 0;
	int ok = 0;
	if (raw->json_type == 0) {
		const char *s = raw->str;
		ok = raw->len > 0 && raw->len < 20 && strlen(s) == raw->len;
		for (size_t i = 0; ok && i < raw->len; i++)
			ok = isdigit((unsigned char)s[i]);
		if (ok) {
			errno = 0;
			v = strtoll(s, NULL, 10);
			ok = errno == 0;
		}
	} else if (raw->json_type == 8 /* cJSON_Number */) {
		ok = raw->num == floor(raw->num) && fabs(raw->num) < 9e15;
		v = (long long)raw->num;
	}
	if (!ok || v < def->min || v > def->max) {
		snprintf(why, whylen, "must be a whole number from %lld to %lld", def->min,
		         def->max);
		return -1;
	}
	out->num = v;
	out->str = raw->str;
	out->len = raw->len;
	return 0;
}

static int text_common(const struct raw_input *raw, char *why, size_t whylen, long *count)
{
	if (raw->json_type != 0 && raw->json_type != 16 /* cJSON_String */) {
		snprintf(why, whylen, "must be a string");
		return -1;
	}
	*count = utf8_count(raw->str, raw->len);
	if (*count < 0) {
		snprintf(why, whylen, "must be valid UTF-8");
		return -1;
	}
	if (utf8_has_control(raw->str, raw->len)) {
		snprintf(why, whylen, "must not contain control characters");
		return -1;
	}
	return 0;
}

int valid_text(const struct input_def *def, const struct raw_input *raw, struct input *out,
               char *why, size_t whylen)
{
	long count;
	if (text_common(raw, why, whylen, &count) != 0)
		return -1;
	if (count < def->min || (def->max > 0 && count > def->max)) {
		if (def->max > 0)
			snprintf(why, whylen, "must be %lld to %lld characters", def->min,
			         def->max);
		else
			snprintf(why, whylen, "must be at least %lld characters", def->min);
		return -1;
	}
	out->str = raw->str;
	out->len = raw->len;
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* U+00A0 NO-BREAK SPACE, U+3000 IDEOGRAPHIC SPACE and friends at either end. */
static int ends_with_unicode_space(const char *s, size_t n)
{
	static const char *const spaces[] = { "\xc2\xa0",     "\xe3\x80\x80", "\xe2\x80\x80",
		                              "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83",
		                              "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
		                              "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
		                              "\xe2\x80\x8a", "\xe2\x80\xaf", "\xe2\x81\x9f" };
	for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
		size_t k = strlen(spaces[i]);
		if (n >= k &&
		    (memcmp(s, spaces[i], k) == 0 || memcmp(s + n - k, spaces[i], k) == 0))
			return 1;
	}
	return 0;
}

const char *user_name_problem(const char *s, size_t len)
{
	long count = utf8_count(s, len);
	if (count < 0)
		return "must be valid UTF-8";
	if (utf8_has_control(s, len))
		return "must not contain control characters";
	if (count < 1 || count > USER_NAME_MAX)
		return "must be 1 to 30 characters";
	if (is_space((unsigned char)s[0]) || is_space((unsigned char)s[len - 1]) ||
	    ends_with_unicode_space(s, len))
		return "must not start or end with a space";
	return NULL;
}

int valid_user_name(const struct input_def *def, const struct raw_input *raw, struct input *out,
                    char *why, size_t whylen)
{
	(void)def;
	if (raw->json_type != 0 && raw->json_type != 16 /* cJSON_String */) {
		snprintf(why, whylen, "must be a string");
		return -1;
	}
	const char *p = user_name_problem(raw->str, raw->len);
	if (p) {
		snprintf(why, whylen, "%s", p);
		return -1;
	}
	out->str = raw->str;
	out->len = raw->len;
	return 0;
}
