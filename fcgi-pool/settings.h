/*
 * settings: a program's configuration, declared as tables in the style of nginx's
 * ngx_command_t. Each row names an environment variable, the function that turns its
 * text into a typed field, and that field's place (offsetof) in the module's config
 * struct. settings_load() reads every row once at start — the flag wins over the
 * environment, the environment over the default — and fills the structs; nothing
 * looks a setting up by name afterwards. A bad or missing value stops the program with
 * exit status 2 and one line naming it. The flag for NAME_WITH_PARTS is
 * --name-with-parts=VALUE (or --name-with-parts VALUE).
 *
 *   struct pool_config { int workers; … };
 *   static const struct setting pool_settings[] = {
 *           { .name = "WORKERS", .set = setting_int, .fallback = "4", .min = 1, .max = 1000,
 *             .offset = offsetof(struct pool_config, workers), .help = "…" },
 *           { 0 },
 *   };
 */
#ifndef FCGI_SETTINGS_H
#define FCGI_SETTINGS_H

#include <stddef.h>

struct setting;

/*
 * Turn value into the field at conf + s->offset. Return 0, or -1 with a short reason in
 * why (the caller prints "prog: setting NAME: why" and exits 2).
 */
typedef int (*setting_set_fn)(const struct setting *s, const char *value, void *field, char *why,
                              size_t whylen);

struct setting {
	const char *name;           /* environment name, e.g. "WORKERS" */
	setting_set_fn set;         /* setting_text, setting_int, … or the module's own */
	size_t offset;              /* offsetof(the module's config struct, field) */
	const char *fallback;       /* default text; NULL: required */
	long long min, max;         /* setting_int, setting_int_or_unset */
	const char *const *choices; /* setting_choice: the accepted words, NULL-terminated */
	const char *help;           /* one line for --help */
};

/* The slot functions, one per field type (nginx's ngx_conf_set_*_slot). */
/* const char *: the text as given (it lives as long as the process's argv/environ). */
int setting_text(const struct setting *s, const char *value, void *field, char *why, size_t whylen);
/* int: a whole number from s->min to s->max. */
int setting_int(const struct setting *s, const char *value, void *field, char *why, size_t whylen);
/* int: the same, or -1 when the value is empty ("computed from the others"). */
int setting_int_or_unset(const struct setting *s, const char *value, void *field, char *why,
                         size_t whylen);
/* int: 0 or 1. */
int setting_flag(const struct setting *s, const char *value, void *field, char *why, size_t whylen);
/* int: an octal file mode up to 0777, or -1 when empty. */
int setting_mode(const struct setting *s, const char *value, void *field, char *why, size_t whylen);
/* int: the index of value in s->choices. */
int setting_choice(const struct setting *s, const char *value, void *field, char *why,
                   size_t whylen);

/* One module's table and the config struct its offsets point into. */
struct settings_block {
	const struct setting *table; /* ends with a row whose name is NULL */
	void *conf;
};

/*
 * Fill every block's struct from flags, environment and defaults, in table order.
 * Handles --help (prints the tables, exits 0). On any error prints
 * "<prog>: setting NAME: reason" and exits 2. Returns the index of the first positional
 * argument in argv (a subcommand such as "migrate"), or argc. blocks ends with {NULL}.
 */
int settings_load(const struct settings_block *blocks, int argc, char **argv);

/* The one way to refuse a setting after loading (combinations, files it names):
 * "<prog>: setting NAME: why" on stderr, exit 2. */
_Noreturn void settings_fail(const char *name, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * A secret given as NAME=value or as NAME_FILE=path (first line of the file: Kubernetes
 * secrets). Returns a malloc'd string, never NULL ("" when neither is set); a file that
 * cannot be read stops the program (settings_fail on file_setting).
 */
char *settings_secret(const char *value, const char *file_setting, const char *path);

#endif
