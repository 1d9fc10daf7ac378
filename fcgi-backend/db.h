/*
 * db: the worker's one persistent database connection. It connects lazily, checks
 * before each use that the server has not closed it (a restarted database), and after
 * a connection error drops it, so the next request reconnects. Statements are
 * prepared once per connection and kept. Every query is a prepared statement.
 *
 * Results come back as enum db_status, which handlers turn into answers:
 * DB_UNAVAILABLE → 503, DB_DUPLICATE → 409, DB_ERROR → 500.
 */
#ifndef BACKEND_DB_H
#define BACKEND_DB_H

#include <stddef.h>

#include <mysql.h>

#include "db_uri.h"
#include "settings.h"

enum db_status { DB_OK = 0, DB_UNAVAILABLE, DB_DUPLICATE, DB_ERROR };

/* DATABASE_URI, DATABASE_PASSWORD(_FILE), DB_CONNECT_TIMEOUT, DB_READ_TIMEOUT,
 * DB_WRITE_TIMEOUT. */
extern const struct setting_def db_settings[];

struct db_config {
	struct db_uri uri;
	unsigned connect_timeout, read_timeout, write_timeout;
};

/* From the loaded settings. Returns 0, or -1 after printing the one error line. */
int db_config_load(const char *prog, struct db_config *cfg);
void db_config_free(struct db_config *cfg);

#define DB_MAX_STMTS 32

struct db {
	const struct db_config *cfg;
	MYSQL *conn;
	MYSQL_STMT *stmts[DB_MAX_STMTS];
	char last_error[256];
	unsigned long rows_seen; /* rows handed out by the current db_run */
};

void db_init(struct db *db, const struct db_config *cfg);
/* Make sure a live connection exists (reconnecting if needed). */
enum db_status db_ensure(struct db *db);
void db_close(struct db *db);

/* A statement parameter or a result column. */
enum db_type { DB_INT, DB_TEXT };
struct db_value {
	enum db_type type;
	long long i;
	const char *s; /* parameter: bytes; result: filled into buf */
	unsigned long len;
	char *buf; /* result DB_TEXT: where the text goes (NUL-terminated) */
	unsigned long cap;
	my_bool is_null;
};

/*
 * Run statement number id (its text is sql; the number keys the per-connection cache)
 * with params. For each result row, fill cols and call row(cols, arg) (a non-zero
 * return stops). affected (may be NULL) gets the matched rows of a write (the
 * connection uses CLIENT_FOUND_ROWS) and insert_id the new AUTO_INCREMENT value.
 * retry_ok: the statement only reads, so after a lost connection it is run once more
 * on a new one.
 */
enum db_status db_run(struct db *db, unsigned id, const char *sql, struct db_value *params,
                      unsigned nparams, struct db_value *cols, unsigned ncols,
                      int (*row)(struct db_value *cols, void *arg), void *arg,
                      unsigned long long *affected, unsigned long long *insert_id, int retry_ok);

/* Transactions for the writes that must change two tables together. */
enum db_status db_begin(struct db *db);
enum db_status db_commit(struct db *db);
void db_rollback(struct db *db);

#endif
