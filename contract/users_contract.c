/*
 * users_contract: the user-name rule (see users_contract.h). Built on the strict UTF-8
 * primitives of fcgi-http/utf8.c; the whitespace list is the Unicode White_Space
 * characters that render as a space, which people paste by accident.
 */
#include "users_contract.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

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
	if (count < 1 || count > USER_NAME_MAX_CHARS)
		return "must be " USER_NAME_RULE;
	if (is_space((unsigned char)s[0]) || is_space((unsigned char)s[len - 1]) ||
	    ends_with_unicode_space(s, len))
		return "must not start or end with a space";
	return NULL;
}

int valid_user_name(const struct input_def *def, const struct raw_input *raw, struct input *out,
                    char *why, size_t whylen)
{
	(void)def;
	if (raw->json && !cJSON_IsString(raw->json)) {
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
