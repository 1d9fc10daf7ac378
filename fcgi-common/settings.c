/*
 * settings: reads the declared settings from flags and environment, validates each,
 * and answers lookups. Values live in a small fixed table: programs have a few dozen
 * settings at most, so a linear search is simplest and fast enough.
 */
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETTINGS 64

struct loaded {
	const struct setting_def *def;
	char *value;
};

static struct loaded loaded[MAX_SETTINGS];
static size_t nloaded;

void settings_reset(void)
{
	for (size_t i = 0; i < nloaded; i++)
		free(loaded[i].value);
	nloaded = 0;
}

static struct loaded *find(const char *name)
{
	for (size_t i = 0; i < nloaded; i++)
		if (strcmp(loaded[i].def->name, name) == 0)
			return &loaded[i];
	return NULL;
}

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

static void print_help(const char *prog, const struct setting_def *const tables[])
{
	printf("usage: %s [--setting=value …] [command]\n\n", prog);
	printf("Each setting is read from the environment, or from its flag.\n\n");
	for (size_t t = 0; tables[t]; t++)
		for (const struct setting_def *d = tables[t]; d->name; d++)
			printf("  %-24s %s%s%s%s\n", d->name, d->help ? d->help : "",
			       d->fallback ? " (default: " : " (required)",
			       d->fallback ? (*d->fallback ? d->fallback : "unset") : "",
			       d->fallback ? ")" : "");
}

static _Noreturn void die(const char *prog, const char *name, const char *why)
{
	fprintf(stderr, "%s: setting %s: %s\n", prog, name, why);
	exit(2);
}

int settings_load(const char *prog, const struct setting_def *const tables[], int argc, char **argv)
{
	settings_reset();
	for (size_t t = 0; tables[t]; t++) {
		for (const struct setting_def *d = tables[t]; d->name; d++) {
			if (find(d->name))
				continue; /* first table wins: a service may override a common
				             default */
			if (nloaded == MAX_SETTINGS)
				die(prog, d->name, "too many settings declared");
			loaded[nloaded].def = d;
			loaded[nloaded].value = NULL;
			nloaded++;
		}
	}

	/* Flags first: they win over the environment. */
	int first_arg = argc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(prog, tables);
			exit(0);
		}
		if (strncmp(a, "--", 2) != 0) {
			first_arg = i;
			break;
		}
		const char *flag = a + 2;
		const char *eq = strchr(flag, '=');
		size_t flaglen = eq ? (size_t)(eq - flag) : strlen(flag);
		struct loaded *hit = NULL;
		for (size_t k = 0; k < nloaded; k++)
			if (flag_matches(flag, flaglen, loaded[k].def->name))
				hit = &loaded[k];
		if (!hit) {
			fprintf(stderr, "%s: unknown flag %s (see --help)\n", prog, a);
			exit(2);
		}
		const char *v;
		if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			die(prog, hit->def->name, "flag needs a value");
		}
		free(hit->value);
		hit->value = strdup(v);
		if (!hit->value)
			die(prog, hit->def->name, "out of memory");
	}

	for (size_t k = 0; k < nloaded; k++) {
		struct loaded *l = &loaded[k];
		if (!l->value) {
			const char *env = getenv(l->def->name);
			const char *v = env ? env : l->def->fallback;
			if (!v)
				die(prog, l->def->name, "required but not set");
			l->value = strdup(v);
			if (!l->value)
				die(prog, l->def->name, "out of memory");
		}
		char why[200] = "";
		if (l->def->check && l->def->check(l->value, why, sizeof why) != 0)
			die(prog, l->def->name, why[0] ? why : "invalid value");
	}
	return first_arg;
}

const char *settings_str(const char *name)
{
	struct loaded *l = find(name);
	if (!l) {
		fprintf(stderr, "settings: %s was never declared\n", name);
		abort();
	}
	return l->value ? l->value : "";
}

long settings_long(const char *name)
{
	const char *v = settings_str(name);
	return *v ? strtol(v, NULL, 10) : 0;
}

char *settings_secret(const char *prog, const char *name)
{
	const char *v = settings_str(name);
	if (*v)
		return strdup(v);
	char fname[128];
	snprintf(fname, sizeof fname, "%s_FILE", name);
	const char *path = settings_str(fname);
	if (!*path)
		return strdup("");
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: setting %s: cannot read %s: %s\n", prog, fname, path,
		        strerror(errno));
		return NULL;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return strdup(""); /* an empty file is an empty secret */
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static int parse_uint(const char *value, long min, char *why, size_t whylen)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (!*value || *end || errno || v < min || v > INT_MAX) {
		snprintf(why, whylen, "'%s' is not a whole number from %ld to %d", value, min,
		         INT_MAX);
		return -1;
	}
	return 0;
}

int setting_check_uint(const char *value, char *why, size_t whylen)
{
	return parse_uint(value, 0, why, whylen);
}

int setting_check_positive(const char *value, char *why, size_t whylen)
{
	return parse_uint(value, 1, why, whylen);
}

int setting_check_listen(const char *value, char *why, size_t whylen)
{
	if (!*value)
		return 0; /* inherited socket on fd 0 */
	if (strncmp(value, "unix:", 5) == 0) {
		if (value[5] != '/') {
			snprintf(why, whylen, "'%s': a unix socket needs an absolute path", value);
			return -1;
		}
		if (strlen(value + 5) >= 108) {
			snprintf(why, whylen, "'%s': unix socket path too long", value);
			return -1;
		}
		return 0;
	}
	const char *colon = strrchr(value, ':');
	if (!colon || colon == value) {
		snprintf(why, whylen, "'%s' is neither unix:/path nor host:port", value);
		return -1;
	}
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port < 1 || port > 65535) {
		snprintf(why, whylen, "'%s': port must be 1 to 65535", value);
		return -1;
	}
	return 0;
}
