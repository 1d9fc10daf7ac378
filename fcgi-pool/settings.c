/*
 * settings: reads every declared row once — flag, else environment, else default — and
 * hands the text to the row's slot function, which writes the typed field. Values are
 * not copied: they point into argv, environ or the tables' literals, which live as long
 * as the process. Programs have a few dozen settings, so finding a flag's row is a
 * linear search.
 */
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETTINGS 64

void settings_fail(const char *name, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: setting %s: %s\n", program_invocation_short_name, name, why);
	exit(2);
}

/* Every row of every block, in order. */
struct row {
	const struct setting *s;
	void *conf;
	const char *flag_value; /* given as a flag; NULL: not */
};

/* "--max-requests" matches "MAX_REQUESTS". */
static int flag_matches(const char *flag, size_t flaglen, const char *name)
{
	size_t n = strlen(name);
	if (flaglen != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char want = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
		if (flag[i] != want)
			return 0;
	}
	return 1;
}

static void print_help(const struct row *rows, size_t n)
{
	printf("usage: %s [--setting=value …] [command]\n\n", program_invocation_short_name);
	printf("Each setting is read from the environment, or from its flag.\n\n");
	for (size_t i = 0; i < n; i++) {
		const struct setting *s = rows[i].s;
		printf("  %-24s %s%s%s%s\n", s->name, s->help ? s->help : "",
		       s->fallback ? " (default: " : " (required)",
		       s->fallback ? (*s->fallback ? s->fallback : "unset") : "",
		       s->fallback ? ")" : "");
	}
}

/* Note the flags in rows; returns the index of the first positional argument. */
static int read_flags(struct row *rows, size_t n, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(rows, n);
			exit(0);
		}
		if (strncmp(a, "--", 2) != 0)
			return i;
		const char *flag = a + 2;
		const char *eq = strchr(flag, '=');
		size_t flaglen = eq ? (size_t)(eq - flag) : strlen(flag);
		struct row *hit = NULL;
		for (size_t k = 0; k < n && !hit; k++)
			if (flag_matches(flag, flaglen, rows[k].s->name))
				hit = &rows[k];
		if (!hit) {
			fprintf(stderr, "%s: unknown flag %s (see --help)\n",
			        program_invocation_short_name, a);
			exit(2);
		}
		if (eq)
			hit->flag_value = eq + 1;
		else if (i + 1 < argc)
			hit->flag_value = argv[++i];
		else
			settings_fail(hit->s->name, "flag needs a value");
	}
	return argc;
}

int settings_load(const struct settings_block *blocks, int argc, char **argv)
{
	struct row rows[MAX_SETTINGS];
	size_t n = 0;
	for (const struct settings_block *b = blocks; b->table; b++) {
		for (const struct setting *s = b->table; s->name; s++) {
			for (size_t k = 0; k < n; k++)
				if (strcmp(rows[k].s->name, s->name) == 0)
					settings_fail(s->name, "declared twice");
			if (n == MAX_SETTINGS)
				settings_fail(s->name, "too many settings declared");
			rows[n++] = (struct row){ .s = s, .conf = b->conf };
		}
	}
	int first_arg = read_flags(rows, n, argc, argv);
	for (size_t k = 0; k < n; k++) {
		const struct setting *s = rows[k].s;
		const char *v = rows[k].flag_value;
		if (!v)
			v = getenv(s->name);
		if (!v)
			v = s->fallback;
		if (!v)
			settings_fail(s->name, "required but not set");
		char why[200] = "";
		if (s->set(s, v, (char *)rows[k].conf + s->offset, why, sizeof why) != 0)
			settings_fail(s->name, "%s", why[0] ? why : "invalid value");
	}
	return first_arg;
}

int setting_text(const struct setting *s, const char *value, void *field, char *why, size_t whylen)
{
	(void)s, (void)why, (void)whylen;
	*(const char **)field = value;
	return 0;
}

int setting_int(const struct setting *s, const char *value, void *field, char *why, size_t whylen)
{
	char *end;
	errno = 0;
	long long v = strtoll(value, &end, 10);
	if (!*value || *end || errno || v < s->min || v > s->max || v > INT_MAX) {
		snprintf(why, whylen, "'%s' is not a whole number from %lld to %lld", value, s->min,
		         s->max);
		return -1;
	}
	*(int *)field = (int)v;
	return 0;
}

int setting_int_or_unset(const struct setting *s, const char *value, void *field, char *why,
                         size_t whylen)
{
	if (*value)
		return setting_int(s, value, field, why, whylen);
	*(int *)field = -1;
	return 0;
}

int setting_flag(const struct setting *s, const char *value, void *field, char *why, size_t whylen)
{
	(void)s;
	if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0) {
		snprintf(why, whylen, "'%s' is not 0 or 1", value);
		return -1;
	}
	*(int *)field = *value == '1';
	return 0;
}

int setting_mode(const struct setting *s, const char *value, void *field, char *why, size_t whylen)
{
	(void)s;
	if (!*value) {
		*(int *)field = -1;
		return 0;
	}
	char *end;
	long v = strtol(value, &end, 8);
	if (*end || v < 0 || v > 0777) {
		snprintf(why, whylen, "'%s' is not an octal file mode such as 0660", value);
		return -1;
	}
	*(int *)field = (int)v;
	return 0;
}

int setting_choice(const struct setting *s, const char *value, void *field, char *why,
                   size_t whylen)
{
	size_t n = 0;
	for (; s->choices[n]; n++) {
		if (strcmp(value, s->choices[n]) == 0) {
			*(int *)field = (int)n;
			return 0;
		}
	}
	/* "'x' is not a, b or c" */
	int off = snprintf(why, whylen, "'%s' is not ", value);
	for (size_t i = 0; i < n && off > 0 && (size_t)off < whylen; i++)
		off += snprintf(why + off, whylen - (size_t)off, "%s%s",
		                i == 0       ? ""
		                : i + 1 == n ? " or "
		                             : ", ",
		                s->choices[i]);
	return -1;
}

static char *dup_or_fail(const char *setting, const char *s)
{
	char *d = strdup(s);
	if (!d)
		settings_fail(setting, "out of memory");
	return d;
}

char *settings_secret(const char *value, const char *file_setting, const char *path)
{
	if (*value || !*path)
		return dup_or_fail(file_setting, value);
	FILE *f = fopen(path, "r");
	if (!f)
		settings_fail(file_setting, "cannot read %s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return dup_or_fail(file_setting, ""); /* an empty file is an empty secret */
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}
