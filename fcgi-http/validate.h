/*
 * validate: inputs declared as tables (kcgi style). Each route lists the inputs it
 * takes: where each comes from (path, query, form body, JSON body), whether it is
 * required, its validator and limits. The dispatcher runs the validators before the
 * handler; a handler reads only r->in[i], which holds the validated value of
 * route->inputs[i]. Failures become field errors: {field, message}.
 */
#ifndef FCGI_VALIDATE_H
#define FCGI_VALIDATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

enum input_src {
	IN_PATH,  /* a {name} segment of the route pattern */
	IN_QUERY, /* the query string */
	IN_FORM,  /* an application/x-www-form-urlencoded body field */
	IN_JSON,  /* a member of the JSON object body */
};

#define INPUT_REQUIRED 1u

/* The raw value a validator sees: text (path, query, form: json is NULL), or a JSON
 * member (json; test it with cJSON_IsString, cJSON_IsNumber…). For a JSON string, str
 * is its text; for a JSON number, num its value. */
struct raw_input {
	const char *str;
	size_t len;
	const cJSON *json;
	double num;
};

/* What a handler sees for one declared input. */
struct input {
	int present;     /* 0: optional, absent and without fallback */
	const char *str; /* the validated text (NUL-terminated; owned by the request) */
	size_t len;
	long long num; /* for the integer validators */
};

struct input_def;
/* Return 0 and fill out (str/len/num), or -1 and write a short message to why. */
typedef int (*validator_fn)(const struct input_def *def, const struct raw_input *raw,
                            struct input *out, char *why, size_t whylen);

/* One row of an input table; tables are written with designated initializers,
 *   [LIST_LIMIT] = { .name = "limit", .src = IN_QUERY, .check = valid_int, .min = 1, … },
 * and end with { 0 }. */
struct input_def {
	const char *name;
	enum input_src src;
	unsigned flags;       /* INPUT_REQUIRED */
	validator_fn check;   /* NULL: any valid UTF-8 without control characters */
	long long min, max;   /* limits for the validator (see each) */
	const char *fallback; /* used (and validated) when absent; NULL: none */
};

struct field_error {
	char field[64];
	char message[160];
};

/* Integer in [def->min, def->max] (decimal digits only; a JSON integer). */
int valid_int(const struct input_def *def, const struct raw_input *raw, struct input *out,
              char *why, size_t whylen);
/* Text: valid UTF-8, no control characters, def->min..def->max code points (max 0: no
 * limit). A JSON member must be a string. */
int valid_text(const struct input_def *def, const struct raw_input *raw, struct input *out,
               char *why, size_t whylen);

#endif
