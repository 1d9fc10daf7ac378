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
#define USER_ID_MIN      1
#define USER_ID_MAX      4294967295LL
#define USER_ID_MAX_TEXT "4294967295"

/* JSON members of a user and of a write's body. */
#define USER_FIELD_ID      "id"
#define USER_FIELD_NAME    "userName"
#define USER_FIELD_CREATED "createdAt"

/* The API's paths. */
#define USERS_PATH "/api/v1/users" /* the list, and the parent of /api/v1/users/{id} */

/* One-use form tokens (fcgi-frontend/csrf.h, fcgi-backend/form_nonces.h): the write a
 * page makes for a form carries the form token's nonce and expiry in this header,
 * "NONCE.EXPIRY" (32 lowercase hex digits, a Unix time), and the backend spends the
 * nonce in the write's transaction. The same nonce again is refused with a 409 whose
 * problem type is FORM_SENT_PROBLEM; a write refused for its content spends nothing.
 * Clients that send no such header (programs with API tokens) are not affected. */
#define FORM_NONCE_HEADER    "Form-Nonce"
#define FORM_NONCE_HEX_LEN   32
#define FORM_NONCE_VALUE_MAX (FORM_NONCE_HEX_LEN + 1 + 20 + 1)
#define FORM_SENT_PROBLEM    "tag:fcgi-users,2026:form-already-sent"

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
 * it ("must be 1 to 30 characters"). The rule (name_rules.h): surrounding spaces
 * trimmed, NFC, 1 to 30 characters, no control, bidi, invisible or compatibility
 * characters, no restricted scripts, no leading or stacked accents. */
const char *user_name_problem(const char *s, size_t len);

/* The input-table validator for a user name (a JSON member must be a string);
 * def->min/max are ignored: the rule above is the limit. The value handed on is the
 * canonical name (trimmed, NFC): what is stored and compared. */
int valid_user_name(const struct input_def *def, const struct raw_input *raw, struct input *out,
                    char *why, size_t whylen);

/* A search prefix (q): text as valid_text takes it (def->max code points), then
 * trimmed and in NFC like the stored names, so "Jose" + U+0301 finds "José". */
int valid_name_prefix(const struct input_def *def, const struct raw_input *raw, struct input *out,
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
