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
	if (!raw->json) {
		const char *s = raw->str;
		ok = raw->len > 0 && raw->len < 20 && strlen(s) == raw->len;
		for (size_t i = 0; ok && i < raw->len; i++)
			ok = isdigit((unsigned char)s[i]);
		if (ok) {
			errno = 0;
			v = strtoll(s, NULL, 10);
			ok = errno == 0;
		}
	} else if (cJSON_IsNumber(raw->json)) {
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

static int text_common(const struct raw_input *raw, long *count, char *why, size_t whylen)
{
	if (raw->json && !cJSON_IsString(raw->json)) {
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
	if (text_common(raw, &count, why, whylen) != 0)
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
