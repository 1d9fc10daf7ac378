/*
 * users_contract: the user-name rule (see users_contract.h). The rule itself is
 * name_rules.c (ICU: trim, NFC, the UTS #39 refusals, the confusable skeleton); this
 * file gives it the shapes the services use: a message, and an input-table validator
 * whose value is the canonical name.
 */
#include "users_contract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name_rules.h"

const char *user_name_problem(const char *s, size_t len)
{
	struct user_name u;
	return name_problem_message(name_rules_apply(s, len, &u));
}

int valid_user_name(const struct input_def *def, const struct raw_input *raw, struct input *out,
                    char *why, size_t whylen)
{
	(void)def;
	if (raw->json && !cJSON_IsString(raw->json)) {
		snprintf(why, whylen, "must be a string");
		return -1;
	}
	struct user_name u;
	enum name_problem p = name_rules_apply(raw->str, raw->len, &u);
	if (p != NAME_OK) {
		snprintf(why, whylen, "%s", name_problem_message(p));
		return -1;
	}
	/* The handler sees the canonical name (trimmed, NFC), owned by the request. */
	out->owned = malloc(u.len + 1);
	if (!out->owned) {
		snprintf(why, whylen, "could not be checked");
		return -1;
	}
	memcpy(out->owned, u.text, u.len + 1);
	out->str = out->owned;
	out->len = u.len;
	return 0;
}

int valid_name_prefix(const struct input_def *def, const struct raw_input *raw, struct input *out,
                      char *why, size_t whylen)
{
	if (valid_text(def, raw, out, why, whylen) != 0)
		return -1;
	char norm[4 * NAME_INPUT_MAX];
	long n = name_rules_normalize(out->str, out->len, norm, sizeof norm);
	if (n < 0) {
		snprintf(why, whylen, "could not be checked");
		return -1;
	}
	out->owned = malloc((size_t)n + 1);
	if (!out->owned) {
		snprintf(why, whylen, "could not be checked");
		return -1;
	}
	memcpy(out->owned, norm, (size_t)n + 1);
	out->str = out->owned;
	out->len = (size_t)n;
	return 0;
}
