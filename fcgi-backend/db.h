/*
 * db: the worker's one persistent database connection. It connects lazily, checks
 * before each use that the server has not closed it (a restarted database), and after
 * a connection error drops it, so the next request reconnects.
 *
 * Statements are declared in tables beside the code that uses them (users.c,
 * migrate.c), each row its SQL and the shapes of its parameters and result columns:
 *
 *   static const struct db_stmt users_sql[] = {
 *           [ST_GET] = { .sql = "SELECT id, userName FROM users WHERE id = ?",
 *                        .params = "i", .cols = "is" },
 *   };
 *   const struct db_param p[] = { DB_INT(id) };
 *   st = db_query(db, &users_sql[ST_GET], p, take_user, &u);
 *
 * Each is prepared once per connection and kept (keyed by the row's address). A query
 * hands out rows; an exec changes rows and says how many. Every call the services make
 * is a prepared statement; the migration runner alone sends its trusted SQL files
 * unprepared (db_script_*), since DDL cannot always be prepared and takes no input.
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

/* DB_DUPLICATE: a unique key refused the row (db->duplicate_key names it).
 * DB_FULL: an AUTO_INCREMENT column has no value left (MariaDB: error 167, out of range;
 * MySQL 8: a duplicate PRIMARY key at the counter's end). */
/* DB_SPENT: a one-use key (a form's nonce, form_nonces.h) had been used already. */
enum db_status { DB_OK = 0, DB_UNAVAILABLE, DB_DUPLICATE, DB_FULL, DB_ERROR, DB_SPENT };

/* The database settings, filled by db_settings and finished by db_config_finish. */
struct db_config {
	struct db_uri uri;      /* DATABASE_URI, parsed once */
	struct db_uri read_uri; /* DATABASE_READ_URI: a replica for reads; unset: none */
	const char *password, *password_file;
	int connect_timeout, read_timeout, write_timeout;
};

/* DATABASE_URI, DATABASE_PASSWORD(_FILE), DB_CONNECT_TIMEOUT, DB_READ_TIMEOUT,
 * DB_WRITE_TIMEOUT, into a struct db_config. */
extern const struct setting db_settings[];

/* After settings_load: the password (DATABASE_PASSWORD, or the first line of
 * DATABASE_PASSWORD_FILE) replaces the URI's. A file that cannot be read stops the
 * program with one line. */
void db_config_finish(struct db_config *cfg);
void db_config_free(struct db_config *cfg);
/* 1 when DATABASE_READ_URI names a replica; then *out becomes the same settings with
 * the replica's address (and the primary's password when the URI gives none). out
 * shares cfg's memory: free only cfg. */
int db_config_read(const struct db_config *cfg, struct db_config *out);

#define DB_MAX_STMTS    64 /* prepared statements kept per connection */
#define DB_MAX_COLS     12 /* parameters or columns of one statement */
#define DB_TEXT_MAX     2048
#define DB_PASSWORD_MAX 512 /* bytes of a password re-read from DATABASE_PASSWORD_FILE */

/*
 * A statement. params and cols spell the shapes, one letter each: 'i' a 64-bit
 * integer, 's' text. "" (or NULL) for none. A statement is prepared on first use and
 * kept for the connection's life, unless prepare_each: then it is prepared for each
 * execution and closed after it: MariaDB 10.11 runs a kept statement that walks a
 * thousand index entries (the bounded prefix count, users.c) two to three times slower
 * under concurrent workers than the same statement freshly prepared (measured with the
 * bench at a million users: docs/benchmarks.md), which costs more than the extra round
 * trip of the prepare. Cheap statements stay kept: preparing costs them more.
 */
struct db_stmt {
	const char *sql;
	const char *params;
	const char *cols;
	int prepare_each;
};

/* A parameter: the integer, or the text and its length (bytes). */
struct db_param {
	long long i;
	const char *s;
	unsigned long len;
};
#define DB_INT(v)                                                                                  \
	{                                                                                          \
		.i = (v)                                                                           \
	}
#define DB_TEXT(p, n)                                                                              \
	{                                                                                          \
		.s = (p), .len = (n)                                                               \
	}

/* A result column of the current row. Text is NUL-terminated and valid until the
 * next row. */
struct db_col {
	long long i;
	const char *s;
	unsigned long len;
	int is_null;
};
struct db_row {
	unsigned ncols;
	struct db_col col[DB_MAX_COLS];
};
/* Called for each row; a non-zero return skips the rest (they are still read). */
typedef int (*db_row_fn)(const struct db_row *row, void *arg);

struct db {
	const struct db_config *cfg;
	MYSQL *conn;
	struct {
		const struct db_stmt *def;
		MYSQL_STMT *handle;
	} prepared[DB_MAX_STMTS];
	int in_transaction;
	unsigned long long insert_id; /* of the last db_exec that inserted */
	char duplicate_key[64];       /* after DB_DUPLICATE: the key ("users_name_key") */
	char last_error[256];
	/* The password DATABASE_PASSWORD_FILE held when the server last refused the one in
	 * use (rotation: RDS or an operator changed it, and the Secret with it); "" until
	 * then, when cfg's is used. Per worker: each re-reads on its own refusal. */
	char password[DB_PASSWORD_MAX];
};

void db_init(struct db *db, const struct db_config *cfg);
/* Make sure a live connection exists (reconnecting if needed). A connection the server
 * refuses for its password (ER_ACCESS_DENIED_ERROR) is tried once more when
 * DATABASE_PASSWORD_FILE now holds another password: a rotated password is picked up
 * without a restart. */
enum db_status db_ensure(struct db *db);
void db_close(struct db *db);

/*
 * Run a statement that reads: for each row, row(r, arg). A query whose connection died
 * before it handed out a row is run once more on a new connection (a read is safe to
 * repeat), unless a transaction is open.
 */
enum db_status db_query(struct db *db, const struct db_stmt *stmt, const struct db_param *params,
                        db_row_fn row, void *arg);

/*
 * Run a statement that writes. *affected (may be NULL) gets the rows it matched (the
 * connection uses CLIENT_FOUND_ROWS); db->insert_id the new AUTO_INCREMENT value. Never
 * repeated: after a lost connection the write may or may not have happened.
 */
enum db_status db_exec(struct db *db, const struct db_stmt *stmt, const struct db_param *params,
                       unsigned long long *affected);

/* Transactions for the writes that must change two tables together. */
enum db_status db_begin(struct db *db);
enum db_status db_commit(struct db *db);
void db_rollback(struct db *db);

/* The migration runner's path: one statement of a trusted SQL file, unprepared (text
 * protocol). db_script_query hands each row to row, every column as text. */
enum db_status db_script_exec(struct db *db, const char *sql);
enum db_status db_script_query(struct db *db, const char *sql, db_row_fn row, void *arg);

#endif
