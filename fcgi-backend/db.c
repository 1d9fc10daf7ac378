/*
 * db: connection, reconnection and prepared-statement execution over MariaDB
 * Connector/C. The connection never reconnects by itself (that would silently drop
 * prepared statements and session settings); this file does it, between requests and
 * never inside a transaction. Binding follows the statement's shape strings, so call
 * sites pass only values.
 */
#include "db.h"

#include <errno.h>
#include <limits.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "secret_input.h"

#define CONF(field) offsetof(struct db_config, field)

const struct setting db_settings[] = {
	{ .name = "DATABASE_URI",
	  .set = db_uri_set,
	  .offset = CONF(uri),
	  .help = "mysql://user:pass@host:port/db?ssl-mode=REQUIRED&ssl-ca=/path (or "
	          "?socket=/path)" },
	{ .name = "DATABASE_READ_URI",
	  .set = db_read_uri_set,
	  .offset = CONF(read_uri),
	  .fallback = "",
	  .help = "optional replica for reads (the same form); a client that has just written "
	          "reads from DATABASE_URI" },
	{ .name = "DATABASE_PASSWORD",
	  .set = setting_text,
	  .offset = CONF(password),
	  .fallback = "",
	  .help = "password; replaces the one in DATABASE_URI" },
	{ .name = "DATABASE_PASSWORD_FILE",
	  .set = setting_text,
	  .offset = CONF(password_file),
	  .fallback = "",
	  .help = "read the password from this file (Kubernetes secrets)" },
	{ .name = "DB_CONNECT_TIMEOUT",
	  .set = setting_int,
	  .offset = CONF(connect_timeout),
	  .fallback = "3",
	  .min = 1,
	  .max = INT_MAX,
	  .help = "seconds to connect" },
	{ .name = "DB_READ_TIMEOUT",
	  .set = setting_int,
	  .offset = CONF(read_timeout),
	  .fallback = "10",
	  .min = 1,
	  .max = INT_MAX,
	  .help = "seconds to wait for an answer" },
	{ .name = "DB_WRITE_TIMEOUT",
	  .set = setting_int,
	  .offset = CONF(write_timeout),
	  .fallback = "10",
	  .min = 1,
	  .max = INT_MAX,
	  .help = "seconds to send a query" },
	{ 0 },
};

/* Session settings every connection gets: UTC timestamps, and MySQL 8.0's default
 * sql_mode (RDS runs MySQL 8.0, the tests MariaDB) with STRICT_ALL_TABLES for
 * STRICT_TRANS_TABLES, so a query MySQL would refuse (ONLY_FULL_GROUP_BY) fails here
 * too. */
static const char session_init[] =
        "SET time_zone = '+00:00', sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_ALL_TABLES,"
        "NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

void db_config_finish(struct db_config *cfg)
{
	char *pw = settings_secret(cfg->password, "DATABASE_PASSWORD_FILE", cfg->password_file);
	if (*pw) {
		free(cfg->uri.password);
		cfg->uri.password = pw;
	} else {
		free(pw);
	}
	/* A replica URI without a password logs in with the primary's. */
	if ((cfg->read_uri.host || cfg->read_uri.socket) && !cfg->read_uri.password &&
	    cfg->uri.password) {
		cfg->read_uri.password = strdup(cfg->uri.password);
		if (!cfg->read_uri.password) {
			fprintf(stderr, "fcgi-backend: out of memory\n");
			exit(1);
		}
	}
}

void db_config_free(struct db_config *cfg)
{
	db_uri_free(&cfg->uri);
	db_uri_free(&cfg->read_uri);
}

int db_config_read(const struct db_config *cfg, struct db_config *out)
{
	if (!cfg->read_uri.host && !cfg->read_uri.socket)
		return 0;
	*out = *cfg;
	out->uri = cfg->read_uri;
	memset(&out->read_uri, 0, sizeof out->read_uri);
	return 1;
}

void db_init(struct db *db, const struct db_config *cfg)
{
	memset(db, 0, sizeof *db);
	db->cfg = cfg;
}

void db_close(struct db *db)
{
	for (unsigned i = 0; i < DB_MAX_STMTS; i++) {
		if (db->prepared[i].handle)
			mysql_stmt_close(db->prepared[i].handle);
		db->prepared[i].def = NULL;
		db->prepared[i].handle = NULL;
	}
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
}

static int is_connection_error(unsigned e)
{
	return (e >= CR_MIN_ERROR && e <= CR_MAX_ERROR) || e == ER_SERVER_SHUTDOWN ||
	       e == ER_CONNECTION_KILLED || e == ER_ABORTING_CONNECTION ||
	       e == ER_NEW_ABORTING_CONNECTION || e == 4031 /* MySQL 8: idle timeout */;
}

/* MariaDB passes the storage engine's "out of range" for an AUTO_INCREMENT at its end
 * through as error 167 (HA_ERR_AUTOINC_ERANGE), which has no ER_ name. */
#define HA_ERR_AUTOINC_ERANGE_CODE 167u

/* The key of "Duplicate entry 'x' for key 'users.users_name_key'" (MySQL 8 puts the
 * table in front; MariaDB does not), or "". */
static void duplicate_key(const char *msg, char *out, size_t cap)
{
	out[0] = '\0';
	const char *k = msg ? strstr(msg, "for key '") : NULL;
	if (!k)
		return;
	k += strlen("for key '");
	const char *end = strchr(k, '\'');
	if (!end)
		return;
	const char *dot = memchr(k, '.', (size_t)(end - k));
	if (dot)
		k = dot + 1;
	snprintf(out, cap, "%.*s", (int)(end - k), k);
}

/* Map an error number to a status; drop the connection when it is gone. */
static enum db_status classify(struct db *db, unsigned e, const char *msg)
{
	snprintf(db->last_error, sizeof db->last_error, "%u: %s", e, msg ? msg : "");
	if (e == ER_DUP_ENTRY || e == ER_DUP_ENTRY_WITH_KEY_NAME) {
		duplicate_key(msg, db->duplicate_key, sizeof db->duplicate_key);
		if (strcmp(db->duplicate_key, "PRIMARY") == 0)
			return DB_FULL; /* only AUTO_INCREMENT picks our primary keys */
		return DB_DUPLICATE;
	}
	if (e == HA_ERR_AUTOINC_ERANGE_CODE || e == ER_AUTOINC_READ_FAILED) {
		log_kv(LOG_ERROR, "no AUTO_INCREMENT value left", "error", db->last_error, NULL);
		return DB_FULL;
	}
	if (is_connection_error(e)) {
		log_kv(LOG_WARN, "database connection lost", "error", db->last_error, NULL);
		db_close(db);
		return DB_UNAVAILABLE;
	}
	if (e == ER_LOCK_WAIT_TIMEOUT || e == ER_LOCK_DEADLOCK) {
		log_kv(LOG_WARN, "database busy", "error", db->last_error, NULL);
		return DB_UNAVAILABLE;
	}
	log_kv(LOG_ERROR, "database error", "error", db->last_error, NULL);
	return DB_ERROR;
}

/* One attempt with password; *refused_for gets the error number of a refusal. */
static enum db_status connect_as(struct db *db, const char *password, unsigned *refused_for)
{
	*refused_for = 0;
	const struct db_config *cfg = db->cfg;
	const struct db_uri *u = &cfg->uri;
	MYSQL *m = mysql_init(NULL);
	if (!m)
		return DB_ERROR;
	unsigned ct = (unsigned)cfg->connect_timeout, rt = (unsigned)cfg->read_timeout,
	         wt = (unsigned)cfg->write_timeout;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_INIT_COMMAND, session_init);
	unsigned proto = u->socket ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
	mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);

	my_bool yes = 1, no = 0;
	switch (u->ssl_mode) {
	case SSL_MODE_DEFAULT:
	case SSL_DISABLED:
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &no);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case SSL_PREFERRED:
		/* Connector/C has no "try TLS, fall back to plain": with a CA it uses TLS. */
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case SSL_REQUIRED:
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case SSL_VERIFY_CA:
	case SSL_VERIFY_IDENTITY:
		/* Connector/C 3.3 checks the chain and the host name together. */
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		break;
	}
	if (u->ssl_ca && u->ssl_mode != SSL_DISABLED)
		mysql_options(m, MYSQL_OPT_SSL_CA, u->ssl_ca);

	if (!mysql_real_connect(m, u->socket ? "localhost" : u->host, u->user, password,
	                        u->database, u->port ? u->port : 3306, u->socket,
	                        CLIENT_FOUND_ROWS)) {
		*refused_for = mysql_errno(m);
		snprintf(db->last_error, sizeof db->last_error, "%u: %s", mysql_errno(m),
		         mysql_error(m));
		log_kv(LOG_WARN, "cannot connect to the database", "error", db->last_error, NULL);
		mysql_close(m);
		return DB_UNAVAILABLE;
	}
	/* Connector/C falls back to plain text when the server offers no TLS unless the
	 * certificate is verified: check that REQUIRED really got TLS. */
	if (u->ssl_mode >= SSL_REQUIRED && !u->socket && !mysql_get_ssl_cipher(m)) {
		snprintf(db->last_error, sizeof db->last_error,
		         "TLS is required (ssl-mode) but the server did not use TLS (SSL)");
		log_kv(LOG_ERROR, "cannot connect to the database", "error", db->last_error, NULL);
		mysql_close(m);
		return DB_UNAVAILABLE;
	}
	db->conn = m;
	log_kv(LOG_DEBUG, "connected to the database", "tls",
	       mysql_get_ssl_cipher(m) ? mysql_get_ssl_cipher(m) : "none", NULL);
	return DB_OK;
}

/*
 * After a refusal: the password DATABASE_PASSWORD_FILE holds now, if it differs from
 * the one just refused (1: kept in db->password). Never when DATABASE_PASSWORD gave the
 * password: there is nothing to re-read.
 */
static int reread_password(struct db *db, const char *refused)
{
	const struct db_config *cfg = db->cfg;
	if (!cfg->password_file || !*cfg->password_file || (cfg->password && *cfg->password))
		return 0;
	char now[DB_PASSWORD_MAX], why[200];
	int changed = 0;
	if (secret_read_file(cfg->password_file, NULL, now, sizeof now, why, sizeof why) < 0) {
		log_kv(LOG_WARN, "cannot re-read DATABASE_PASSWORD_FILE", "error", why, NULL);
	} else if (strcmp(now, refused) == 0) {
		log_kv(LOG_WARN, "the database refused the password DATABASE_PASSWORD_FILE holds",
		       "file", cfg->password_file, NULL);
	} else {
		memcpy(db->password, now, sizeof db->password);
		log_kv(LOG_INFO,
		       "the database refused the password; trying the one "
		       "DATABASE_PASSWORD_FILE holds now",
		       "file", cfg->password_file, NULL);
		changed = 1;
	}
	explicit_bzero(now, sizeof now);
	return changed;
}

static enum db_status connect_db(struct db *db)
{
	const char *pw = db->password[0] ? db->password : db->cfg->uri.password;
	unsigned refused_for;
	enum db_status st = connect_as(db, pw ? pw : "", &refused_for);
	if (st != DB_OK && refused_for == ER_ACCESS_DENIED_ERROR &&
	    reread_password(db, pw ? pw : ""))
		st = connect_as(db, db->password, &refused_for);
	return st;
}

/* The server closed the connection (restart, idle timeout) if the idle socket is
 * readable: between queries it never sends anything on its own. (TLS 1.3 session
 * tickets arrive before the server's answer to the login and are read with it; checked
 * with a TLS stack: no reconnects between requests.) */
static int conn_closed(MYSQL *m)
{
	int fd = (int)mysql_get_socket(m);
	if (fd < 0)
		return 1;
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	int n;
	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	return n != 0;
}

enum db_status db_ensure(struct db *db)
{
	if (db->conn && conn_closed(db->conn)) {
		log_kv(LOG_INFO, "database connection closed by the server; reconnecting", NULL);
		db_close(db);
	}
	if (!db->conn && db->in_transaction)
		return DB_UNAVAILABLE; /* its first statements went with the old connection */
	if (!db->conn)
		return connect_db(db);
	return DB_OK;
}

/* The prepared handle of stmt on this connection, preparing it the first time. */
static enum db_status prepared(struct db *db, const struct db_stmt *stmt, MYSQL_STMT **out)
{
	unsigned free_slot = DB_MAX_STMTS;
	for (unsigned i = 0; i < DB_MAX_STMTS; i++) {
		if (db->prepared[i].def == stmt) {
			*out = db->prepared[i].handle;
			return DB_OK;
		}
		if (!db->prepared[i].def && free_slot == DB_MAX_STMTS)
			free_slot = i;
	}
	if (free_slot == DB_MAX_STMTS)
		return classify(db, 0, "more statements than DB_MAX_STMTS");
	MYSQL_STMT *s = mysql_stmt_init(db->conn);
	if (!s)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	if (mysql_stmt_prepare(s, stmt->sql, strlen(stmt->sql)) != 0) {
		unsigned e = mysql_stmt_errno(s);
		char msg[200];
		snprintf(msg, sizeof msg, "%s", mysql_stmt_error(s));
		mysql_stmt_close(s);
		return classify(db, e, msg);
	}
	db->prepared[free_slot].def = stmt;
	db->prepared[free_slot].handle = s;
	*out = s;
	return DB_OK;
}

static unsigned shape_len(const char *shape)
{
	return shape ? (unsigned)strlen(shape) : 0;
}

/* Bind the parameters by the statement's shape. */
static void bind_params(const struct db_stmt *stmt, const struct db_param *params, MYSQL_BIND *b,
                        unsigned long *lens)
{
	for (unsigned i = 0; i < shape_len(stmt->params); i++) {
		if (stmt->params[i] == 'i') {
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&params[i].i;
		} else {
			lens[i] = params[i].len;
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)params[i].s;
			b[i].buffer_length = params[i].len;
			b[i].length = &lens[i];
		}
	}
}

/* Result buffers of one call: integers in row->col[i].i, text in text[i]. */
struct results {
	struct db_row row;
	char text[DB_MAX_COLS][DB_TEXT_MAX];
	unsigned long len[DB_MAX_COLS];
	my_bool is_null[DB_MAX_COLS];
};

static void bind_results(const struct db_stmt *stmt, struct results *res, MYSQL_BIND *b)
{
	res->row.ncols = shape_len(stmt->cols);
	for (unsigned i = 0; i < res->row.ncols; i++) {
		b[i].is_null = &res->is_null[i];
		if (stmt->cols[i] == 'i') {
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &res->row.col[i].i;
		} else {
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = res->text[i];
			b[i].buffer_length = DB_TEXT_MAX;
			b[i].length = &res->len[i];
		}
	}
}

/* The fetched row's text columns, NUL-terminated, and NULL flags. */
static void finish_row(const struct db_stmt *stmt, struct results *res)
{
	for (unsigned i = 0; i < res->row.ncols; i++) {
		struct db_col *c = &res->row.col[i];
		c->is_null = res->is_null[i];
		if (stmt->cols[i] != 's')
			continue;
		unsigned long n = c->is_null ? 0 : res->len[i];
		res->text[i][n] = '\0';
		c->s = res->text[i];
		c->len = n;
	}
}

/* A prepare_each statement's handle, closed once its execution is over. */
static void forget_prepared(struct db *db, const struct db_stmt *stmt)
{
	for (unsigned i = 0; i < DB_MAX_STMTS; i++) {
		if (db->prepared[i].def != stmt)
			continue;
		if (db->prepared[i].handle)
			mysql_stmt_close(db->prepared[i].handle);
		db->prepared[i].def = NULL;
		db->prepared[i].handle = NULL;
	}
}

/* Bind, execute, and (for a query) hand out the rows; *rows counts them. */
static enum db_status run_kept(struct db *db, const struct db_stmt *stmt,
                               const struct db_param *params, db_row_fn row, void *arg,
                               unsigned long *rows, unsigned long long *affected)
{
	*rows = 0;
	unsigned nparams = shape_len(stmt->params), ncols = shape_len(stmt->cols);
	if (nparams > DB_MAX_COLS || ncols > DB_MAX_COLS)
		return classify(db, 0,
		                "a statement with more than DB_MAX_COLS parameters or columns");
	enum db_status st = db_ensure(db);
	if (st != DB_OK)
		return st;
	MYSQL_STMT *s = NULL;
	st = prepared(db, stmt, &s);
	if (st != DB_OK)
		return st;
	if (mysql_stmt_param_count(s) != nparams)
		return classify(db, 0, "the statement takes another number of parameters");
	MYSQL_BIND pb[DB_MAX_COLS], rb[DB_MAX_COLS];
	unsigned long plen[DB_MAX_COLS];
	memset(pb, 0, sizeof pb);
	memset(rb, 0, sizeof rb);
	bind_params(stmt, params, pb, plen);
	if (nparams && mysql_stmt_bind_param(s, pb) != 0)
		return classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
	if (mysql_stmt_execute(s) != 0)
		return classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
	if (mysql_stmt_field_count(s) != ncols) {
		mysql_stmt_free_result(s);
		return classify(db, 0, "the statement returns another number of columns");
	}
	if (ncols) {
		struct results *res = malloc(sizeof *res);
		if (!res) {
			mysql_stmt_free_result(s);
			return classify(db, 0, "out of memory");
		}
		bind_results(stmt, res, rb);
		if (mysql_stmt_bind_result(s, rb) != 0) {
			free(res);
			return classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
		}
		int stop = 0;
		for (;;) {
			int rc = mysql_stmt_fetch(s);
			if (rc == MYSQL_NO_DATA)
				break;
			if (rc == 1) {
				st = classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
				break;
			}
			if (stop)
				continue; /* drain the rest so the statement can run again */
			if (rc == MYSQL_DATA_TRUNCATED) {
				st = classify(db, 0, "result column larger than its buffer");
				break;
			}
			finish_row(stmt, res);
			(*rows)++;
			if (row && row(&res->row, arg) != 0)
				stop = 1;
		}
		free(res);
		if (st != DB_OK) {
			if (db->conn)
				mysql_stmt_free_result(s);
			return st;
		}
	}
	if (affected) {
		*affected = mysql_stmt_affected_rows(s);
		db->insert_id = mysql_stmt_insert_id(s);
	}
	mysql_stmt_free_result(s);
	return DB_OK;
}

static enum db_status run(struct db *db, const struct db_stmt *stmt, const struct db_param *params,
                          db_row_fn row, void *arg, unsigned long *rows,
                          unsigned long long *affected)
{
	enum db_status st = run_kept(db, stmt, params, row, arg, rows, affected);
	if (stmt->prepare_each && db->conn)
		forget_prepared(db, stmt);
	return st;
}

enum db_status db_query(struct db *db, const struct db_stmt *stmt, const struct db_param *params,
                        db_row_fn row, void *arg)
{
	unsigned long rows;
	enum db_status st = run(db, stmt, params, row, arg, &rows, NULL);
	/* A read whose connection died under it, before any row was handed out, is safe
	 * to run again on a new one — outside a transaction, which died with it. */
	if (st == DB_UNAVAILABLE && !db->conn && rows == 0 && !db->in_transaction)
		st = run(db, stmt, params, row, arg, &rows, NULL);
	return st;
}

enum db_status db_exec(struct db *db, const struct db_stmt *stmt, const struct db_param *params,
                       unsigned long long *affected)
{
	unsigned long rows;
	unsigned long long n = 0;
	db->insert_id = 0;
	enum db_status st = run(db, stmt, params, NULL, NULL, &rows, &n);
	if (affected)
		*affected = n;
	return st;
}

enum db_status db_begin(struct db *db)
{
	enum db_status st = db_ensure(db);
	if (st != DB_OK)
		return st;
	if (mysql_autocommit(db->conn, 0) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	db->in_transaction = 1;
	return DB_OK;
}

enum db_status db_commit(struct db *db)
{
	db->in_transaction = 0;
	if (!db->conn)
		return DB_UNAVAILABLE;
	if (mysql_commit(db->conn) != 0) {
		enum db_status st = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
		if (db->conn)
			db_rollback(db);
		return st;
	}
	if (mysql_autocommit(db->conn, 1) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	return DB_OK;
}

void db_rollback(struct db *db)
{
	db->in_transaction = 0;
	if (!db->conn)
		return;
	if (mysql_rollback(db->conn) != 0 || mysql_autocommit(db->conn, 1) != 0)
		db_close(db); /* unknown state: start over */
}

/* ---- the migration runner's unprepared path ---- */

enum db_status db_script_exec(struct db *db, const char *sql)
{
	return db_script_query(db, sql, NULL, NULL);
}

enum db_status db_script_query(struct db *db, const char *sql, db_row_fn row, void *arg)
{
	enum db_status st = db_ensure(db);
	if (st != DB_OK)
		return st;
	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	MYSQL_RES *res = mysql_store_result(db->conn);
	if (!res)
		return mysql_field_count(db->conn) == 0
		               ? DB_OK /* a statement without rows */
		               : classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	struct db_row r = { .ncols = mysql_num_fields(res) };
	if (r.ncols > DB_MAX_COLS)
		r.ncols = DB_MAX_COLS;
	MYSQL_ROW values;
	int stop = 0;
	while (!stop && (values = mysql_fetch_row(res))) {
		unsigned long *lens = mysql_fetch_lengths(res);
		for (unsigned i = 0; i < r.ncols; i++)
			r.col[i] = (struct db_col){ .s = values[i] ? values[i] : "",
				                    .len = values[i] ? lens[i] : 0,
				                    .is_null = !values[i] };
		stop = row && row(&r, arg) != 0;
	}
	mysql_free_result(res);
	return DB_OK;
}
