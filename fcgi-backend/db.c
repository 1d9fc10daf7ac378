/*
 * db: connection, reconnection and prepared-statement execution over MariaDB
 * Connector/C. The connection never reconnects by itself (that would silently drop
 * prepared statements and session settings); this file does it, between requests.
 */
#include "db.h"

#include <errno.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

const struct setting_def db_settings[] = {
	{ "DATABASE_URI", NULL, setting_check_database_uri,
	  "mysql://user:pass@host:port/db?ssl-mode=REQUIRED&ssl-ca=/path (or ?socket=/path)" },
	{ "DATABASE_PASSWORD", "", NULL, "password; replaces the one in DATABASE_URI" },
	{ "DATABASE_PASSWORD_FILE", "", NULL,
	  "read the password from this file (Kubernetes secrets)" },
	{ "DB_CONNECT_TIMEOUT", "3", setting_check_positive, "seconds to connect" },
	{ "DB_READ_TIMEOUT", "10", setting_check_positive, "seconds to wait for an answer" },
	{ "DB_WRITE_TIMEOUT", "10", setting_check_positive, "seconds to send a query" },
	{ NULL, NULL, NULL, NULL },
};

/* Session settings every connection gets: UTC timestamps, strict SQL. */
static const char session_init[] =
        "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
        "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

int db_config_load(const char *prog, struct db_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	char why[200];
	if (db_uri_parse(settings_str("DATABASE_URI"), &cfg->uri, why, sizeof why) != 0) {
		fprintf(stderr, "%s: setting DATABASE_URI: %s\n", prog, why);
		return -1;
	}
	char *pw = settings_secret(prog, "DATABASE_PASSWORD");
	if (!pw) {
		db_uri_free(&cfg->uri);
		return -1;
	}
	if (*pw) {
		free(cfg->uri.password);
		cfg->uri.password = pw;
	} else {
		free(pw);
	}
	cfg->connect_timeout = (unsigned)settings_long("DB_CONNECT_TIMEOUT");
	cfg->read_timeout = (unsigned)settings_long("DB_READ_TIMEOUT");
	cfg->write_timeout = (unsigned)settings_long("DB_WRITE_TIMEOUT");
	return 0;
}

void db_config_free(struct db_config *cfg)
{
	db_uri_free(&cfg->uri);
}

void db_init(struct db *db, const struct db_config *cfg)
{
	memset(db, 0, sizeof *db);
	db->cfg = cfg;
}

void db_close(struct db *db)
{
	for (unsigned i = 0; i < DB_MAX_STMTS; i++) {
		if (db->stmts[i])
			mysql_stmt_close(db->stmts[i]);
		db->stmts[i] = NULL;
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

/* Map an error number to a status; drop the connection when it is gone. */
static enum db_status classify(struct db *db, unsigned e, const char *msg)
{
	snprintf(db->last_error, sizeof db->last_error, "%u: %s", e, msg ? msg : "");
	if (e == ER_DUP_ENTRY || e == ER_DUP_ENTRY_WITH_KEY_NAME)
		return DB_DUPLICATE;
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

static enum db_status connect_db(struct db *db)
{
	const struct db_config *cfg = db->cfg;
	const struct db_uri *u = &cfg->uri;
	MYSQL *m = mysql_init(NULL);
	if (!m)
		return DB_ERROR;
	unsigned ct = cfg->connect_timeout, rt = cfg->read_timeout, wt = cfg->write_timeout;
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

	if (!mysql_real_connect(m, u->socket ? "localhost" : u->host, u->user, u->password,
	                        u->database, u->port ? u->port : 3306, u->socket,
	                        CLIENT_FOUND_ROWS)) {
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
	if (!db->conn)
		return connect_db(db);
	return DB_OK;
}

#define MAX_BIND 8

static enum db_status run_once(struct db *db, unsigned id, const char *sql, struct db_value *params,
                               unsigned nparams, struct db_value *cols, unsigned ncols,
                               int (*row)(struct db_value *cols, void *arg), void *arg,
                               unsigned long long *affected, unsigned long long *insert_id)
{
	db->rows_seen = 0;
	enum db_status st = db_ensure(db);
	if (st != DB_OK)
		return st;
	MYSQL_STMT *s = db->stmts[id];
	if (!s) {
		s = mysql_stmt_init(db->conn);
		if (!s)
			return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
		if (mysql_stmt_prepare(s, sql, strlen(sql)) != 0) {
			unsigned e = mysql_stmt_errno(s);
			char msg[200];
			snprintf(msg, sizeof msg, "%s", mysql_stmt_error(s));
			mysql_stmt_close(s);
			return classify(db, e, msg);
		}
		db->stmts[id] = s;
	}
	MYSQL_BIND pb[MAX_BIND], rb[MAX_BIND];
	unsigned long rlen[MAX_BIND];
	memset(pb, 0, sizeof pb);
	memset(rb, 0, sizeof rb);
	for (unsigned i = 0; i < nparams; i++) {
		if (params[i].type == DB_INT) {
			pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
			pb[i].buffer = &params[i].i;
		} else {
			pb[i].buffer_type = MYSQL_TYPE_STRING;
			pb[i].buffer = (void *)params[i].s;
			pb[i].buffer_length = params[i].len;
			pb[i].length = &params[i].len;
		}
	}
	if (nparams && mysql_stmt_bind_param(s, pb) != 0)
		return classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
	if (mysql_stmt_execute(s) != 0)
		return classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
	if (ncols && mysql_stmt_field_count(s) != ncols) {
		mysql_stmt_free_result(s);
		return classify(db, 0, "the statement returns another number of columns");
	}
	if (ncols) {
		for (unsigned i = 0; i < ncols; i++) {
			rb[i].is_null = &cols[i].is_null;
			if (cols[i].type == DB_INT) {
				rb[i].buffer_type = MYSQL_TYPE_LONGLONG;
				rb[i].buffer = &cols[i].i;
			} else {
				rb[i].buffer_type = MYSQL_TYPE_STRING;
				rb[i].buffer = cols[i].buf;
				rb[i].buffer_length = cols[i].cap;
				rb[i].length = &rlen[i];
			}
		}
		if (mysql_stmt_bind_result(s, rb) != 0)
			return classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
		int stop = 0;
		for (;;) {
			int rc = mysql_stmt_fetch(s);
			if (rc == MYSQL_NO_DATA)
				break;
			if (rc == 1) {
				enum db_status fst =
				        classify(db, mysql_stmt_errno(s), mysql_stmt_error(s));
				if (db->conn)
					mysql_stmt_free_result(s);
				return fst;
			}
			if (stop)
				continue; /* drain the rest so the statement can run again */
			if (rc == MYSQL_DATA_TRUNCATED) {
				mysql_stmt_free_result(s);
				return classify(db, 0, "result column larger than its buffer");
			}
			for (unsigned i = 0; i < ncols; i++) {
				if (cols[i].type != DB_TEXT)
					continue;
				unsigned long n = cols[i].is_null ? 0 : rlen[i];
				cols[i].buf[n < cols[i].cap ? n : cols[i].cap - 1] = '\0';
				cols[i].len = n;
				cols[i].s = cols[i].buf;
			}
			db->rows_seen++;
			if (row && row(cols, arg) != 0)
				stop = 1;
		}
	}
	if (affected)
		*affected = mysql_stmt_affected_rows(s);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(s);
	mysql_stmt_free_result(s);
	return DB_OK;
}

enum db_status db_run(struct db *db, unsigned id, const char *sql, struct db_value *params,
                      unsigned nparams, struct db_value *cols, unsigned ncols,
                      int (*row)(struct db_value *cols, void *arg), void *arg,
                      unsigned long long *affected, unsigned long long *insert_id, int retry_ok)
{
	if (id >= DB_MAX_STMTS || nparams > MAX_BIND || ncols > MAX_BIND)
		return DB_ERROR;
	enum db_status st =
	        run_once(db, id, sql, params, nparams, cols, ncols, row, arg, affected, insert_id);
	/* A read whose connection died under it, before any row was handed out, is safe
	 * to run again on a new one. */
	if (st == DB_UNAVAILABLE && retry_ok && !db->conn && db->rows_seen == 0)
		st = run_once(db, id, sql, params, nparams, cols, ncols, row, arg, affected,
		              insert_id);
	return st;
}

enum db_status db_begin(struct db *db)
{
	enum db_status st = db_ensure(db);
	if (st != DB_OK)
		return st;
	if (mysql_autocommit(db->conn, 0) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	return DB_OK;
}

enum db_status db_commit(struct db *db)
{
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
	if (!db->conn)
		return;
	if (mysql_rollback(db->conn) != 0 || mysql_autocommit(db->conn, 1) != 0)
		db_close(db); /* unknown state: start over */
}
