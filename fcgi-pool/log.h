/*
 * log: one line per event, as text ("2026-01-01T00:00:00Z info backend: msg k=v")
 * or JSON lines ({"ts":…,"level":…,"pool":…,"msg":…,"k":"v"}), to stderr or a file
 * that SIGUSR1 reopens. Key/value pairs make logs greppable and machine-readable.
 */
#ifndef FCGI_LOG_H
#define FCGI_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_TEXT, LOG_JSON };

/* The LOG_* settings (log_settings fills it). */
struct log_config {
	int format;       /* enum log_format */
	int level;        /* enum log_level */
	const char *file; /* "": stderr */
};

/* path NULL or "" logs to stderr. Returns 0, or -1 when the file cannot be opened. */
int log_init(const char *name, enum log_format format, enum log_level level, const char *path);
/* log_init from the loaded settings; a file that cannot be opened stops the program
 * (exit 2, "setting LOG_FILE: …"). */
void log_start(const char *name, const struct log_config *cfg);
int log_reopen(void);

/*
 * log_kv(level, msg, key1, value1, key2, value2, …, NULL): values are strings.
 * log_msg(level, fmt, …): a printf-style message and no fields.
 */
void log_kv(enum log_level level, const char *msg, ...) __attribute__((sentinel));
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The request in hand (nginx's REQUEST_ID): every line logged until it is cleared
 * (NULL or "") carries it as request_id. Longer ids are cut. */
#define LOG_REQUEST_ID_MAX 64
void log_set_request_id(const char *id);
/* "" when none. */
const char *log_request_id(void);

#include "settings.h"
/* LOG_FORMAT (text|json), LOG_LEVEL (debug|info|warn|error), LOG_FILE (empty: stderr),
 * into a struct log_config. */
extern const struct setting log_settings[];

#endif
