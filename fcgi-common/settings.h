/*
 * settings: a program's configuration, declared as a table and read from the
 * environment and the command line (a flag wins over the environment). Each entry
 * names its environment variable, its default and its validator; a bad or missing
 * value stops the program at start with exit status 2 and one line naming it.
 * The flag for NAME_WITH_PARTS is --name-with-parts=VALUE (or --name-with-parts VALUE).
 */
#ifndef FCGI_SETTINGS_H
#define FCGI_SETTINGS_H

#include <stddef.h>

/* Validator: return 0 when value is acceptable, else write a short reason to why. */
typedef int (*setting_check_fn)(const char *value, char *why, size_t whylen);

struct setting_def {
	const char *name;       /* environment name, e.g. "WORKERS" */
	const char *fallback;   /* default; NULL means required */
	setting_check_fn check; /* NULL accepts any value */
	const char *help;       /* one line for --help */
};

/* Validators for common shapes. */
int setting_check_uint(const char *value, char *why, size_t whylen);     /* 0 .. INT_MAX */
int setting_check_positive(const char *value, char *why, size_t whylen); /* 1 .. INT_MAX */
int setting_check_listen(const char *value, char *why, size_t whylen); /* unix:/p, host:port, "" */
int setting_check_log_format(const char *value, char *why, size_t whylen);
int setting_check_log_level(const char *value, char *why, size_t whylen);

/*
 * Load the settings: every table in tables[] (terminated by an entry with name NULL),
 * in order. Handles --help (prints the tables, exits 0). On any error prints
 * "<prog>: setting NAME: reason" to stderr and exits 2. Returns the index of the first
 * positional argument in argv (a subcommand such as "migrate"), or argc.
 */
int settings_load(const char *prog, const struct setting_def *const tables[], int argc,
                  char **argv);

/* Lookups after settings_load. Unknown names abort: that is a programming error. */
const char *settings_str(const char *name); /* never NULL; "" when unset and optional */
long settings_long(const char *name);

/*
 * Read NAME, or when NAME is empty and NAME_FILE is set, the first line of that file
 * (Kubernetes secrets). Returns a malloc'd string, or NULL after printing the error
 * line (the caller exits 2).
 */
char *settings_secret(const char *prog, const char *name);

/* Forget everything loaded (tests). */
void settings_reset(void);

#endif
