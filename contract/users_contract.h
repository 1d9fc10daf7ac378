/*
 * users_contract: what the two services agree on about a user, in one place: the
 * user-name rule and its limits, the id range, the names of the JSON fields and of
 * the API paths, and the listing's page limits. The backend enforces these on the
 * API; the frontend checks the same rule before it calls the API and tells people
 * the limits on its pages. Change a limit here and both follow.
 */
#ifndef USERS_CONTRACT_H
#define USERS_CONTRACT_H

#include <stddef.h>

#include "validate.h"

/* A user name: 1 to 30 characters (code points) of valid UTF-8. */
#define USER_NAME_MAX_CHARS 30
/* Its most bytes: four per character (utf8mb4). */
#define USER_NAME_MAX_BYTES (4 * USER_NAME_MAX_CHARS)
/* The same limit as a string literal, for page templates (maxlength="30"). */
#define USER_NAME_MAX_CHARS_TEXT "30"
/* What a person is told. */
#define USER_NAME_RULE "1 to " USER_NAME_MAX_CHARS_TEXT " characters"

/* Ids are INT UNSIGNED AUTO_INCREMENT: 1 to 4294967295; anything else names nobody. */
#define USER_ID_MIN 1
#define USER_ID_MAX 4294967295LL

/* JSON members of a user and of a write's body. */
#define USER_FIELD_ID      "id"
#define USER_FIELD_NAME    "userName"
#define USER_FIELD_CREATED "createdAt"

/* The API's paths. */
#define USERS_PATH "/api/v1/users" /* the list, and the parent of /api/v1/users/{id} */

/* GET /api/v1/users?limit=: 1 to 100, 50 when absent. A search prefix (q) is at most
 * a whole name long. */
#define USERS_LIST_LIMIT_MAX     100
#define USERS_LIST_LIMIT_DEFAULT "50"
/* ?offset= at most this: a deep offset costs the rows it skips (issue 20), so past it
 * the list pages by cursor (?after= the previous page's "next"), which costs what the
 * first page costs however deep. */
#define USERS_LIST_OFFSET_MAX      1000
#define USERS_LIST_OFFSET_MAX_TEXT "1000"

/* NULL when s[0..len) is a valid user name, else the message for the person who typed
 * it ("must be 1 to 30 characters"). Not starting or ending with whitespace (ASCII or
 * Unicode spaces), no control characters. */
const char *user_name_problem(const char *s, size_t len);

/* The input-table validator for a user name (a JSON member must be a string);
 * def->min/max are ignored: the rule above is the limit. */
int valid_user_name(const struct input_def *def, const struct raw_input *raw, struct input *out,
                    char *why, size_t whylen);

/* Input-table rows both services use (validate.h):
 *   [ID] = USER_ID_INPUT,   — {id} in the path, 1 to USER_ID_MAX; anything else is 404
 *   [NAME] = USER_NAME_INPUT(IN_JSON),   — userName in the JSON body (or IN_FORM) */
#define USER_ID_INPUT                                                                              \
	{                                                                                          \
		.name = USER_FIELD_ID, .src = IN_PATH, .flags = INPUT_REQUIRED,                    \
		.check = valid_int, .min = USER_ID_MIN, .max = USER_ID_MAX                         \
	}
#define USER_NAME_INPUT(source)                                                                    \
	{                                                                                          \
		.name = USER_FIELD_NAME, .src = (source), .flags = INPUT_REQUIRED,                 \
		.check = valid_user_name                                                           \
	}

#endif
