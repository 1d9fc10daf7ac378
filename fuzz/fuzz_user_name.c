/*
 * fuzz_user_name: the user-name rule, checked against the UTF-8 primitives it is
 * built from. Property: a name is accepted exactly when it is valid UTF-8 of 1 to 30
 * code points without control characters and without surrounding whitespace; the
 * JSON-input validator and the plain-string check agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "users_contract.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	const char *problem = user_name_problem(s, size);
	long n = utf8_count(s, size);
	if (!problem) {
		if (n < 1 || n > USER_NAME_MAX_CHARS || utf8_has_control(s, size))
			abort();
		if (s[0] == ' ' || s[size - 1] == ' ')
			abort();
	} else if (n >= 1 && n <= USER_NAME_MAX_CHARS && !utf8_has_control(s, size) &&
	           s[0] != ' ' && s[size - 1] != ' ' && s[0] != '\t' && s[size - 1] != '\t' &&
	           memchr(s, '\0', size) == NULL) {
		/* Rejected though it looks fine: only other whitespace at the ends may explain it.
		 */
		unsigned char f = (unsigned char)s[0], l = (unsigned char)s[size - 1];
		if (f >= 0x21 && f < 0x80 && l >= 0x21 && l < 0x80)
			abort();
	}
	static const cJSON json_string = { .type = cJSON_String }; /* only its type is read */
	const struct input_def def = { .name = USER_FIELD_NAME,
		                       .src = IN_JSON,
		                       .flags = INPUT_REQUIRED,
		                       .check = valid_user_name };
	const struct raw_input raw = { .str = s, .len = size, .json = &json_string };
	struct input out = { 0 };
	char why[160];
	int rc = valid_user_name(&def, &raw, &out, why, sizeof why);
	if ((rc == 0) != (problem == NULL))
		abort();
	free(s);
	return 0;
}
