/*
 * fuzz_user_name: the contract's user-name function (users_contract.h) as both
 * services use it. Properties: the JSON-input validator and the plain-string check
 * agree; what the validator hands a handler is the canonical name (name_rules.h):
 * valid UTF-8 of 1 to 30 code points, no controls, no surrounding White_Space, and
 * itself accepted unchanged (so storing it can never store a refused name); and a
 * refused name is refused by both, with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name_rules.h"
#include "users_contract.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	const char *problem = user_name_problem(s, size);
	static const cJSON json_string = { .type = cJSON_String }; /* only its type is read */
	const struct input_def def = { .name = USER_FIELD_NAME,
		                       .src = IN_JSON,
		                       .flags = INPUT_REQUIRED,
		                       .check = valid_user_name };
	const struct raw_input raw = { .str = s, .len = size, .json = &json_string };
	struct input out = { 0 };
	char why[160] = "";
	int rc = valid_user_name(&def, &raw, &out, why, sizeof why);
	if ((rc == 0) != (problem == NULL))
		abort();
	if (rc != 0) {
		if (!*why || out.owned)
			abort();
		free(s);
		return 0;
	}
	/* The canonical name the handler sees. */
	long n = utf8_count(out.str, out.len);
	if (n < 1 || n > USER_NAME_MAX_CHARS || out.len > USER_NAME_MAX_BYTES ||
	    strlen(out.str) != out.len || utf8_has_control(out.str, out.len))
		abort();
	if (out.str[0] == ' ' || out.str[out.len - 1] == ' ')
		abort();
	struct user_name again;
	if (name_rules_apply(out.str, out.len, &again) != NAME_OK || again.len != out.len ||
	    memcmp(again.text, out.str, out.len) != 0)
		abort(); /* not canonical, or refused once stored */
	free(out.owned);
	free(s);
	return 0;
}
