/*
 * db_grants: the application user `fcgi-backend migrate` creates and the privileges it
 * holds — one row per table (app_grants[]), applied after the migrations on the master's
 * connection. Account and privilege statements (CREATE USER, GRANT, REVOKE) take no
 * placeholders, so they go over the text protocol: names are checked against a plain
 * alphabet before they are quoted, the password is escaped by the client library, and
 * no message ever repeats a statement that carries it.
 */
#include "db_grants.h"

#include <mysqld_error.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APP(field) offsetof(struct app_user_config, field)

/*
 * What the pools may do, table by table: rows, never the schema. i17's sign-in tables
 * (migration 006); audit is append-only by grant (INSERT and SELECT: no UPDATE, no
 * DELETE); spent form nonces (007) are inserted and purged, never changed.
 * schema_migrations: readable, so an operator with the app's credentials can see the
 * schema version.
 */
const struct table_grant app_grants[] = {
	{ "users", PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE },
	{ "user_count", PRIV_SELECT | PRIV_UPDATE },
	{ "schema_migrations", PRIV_SELECT },
	{ "editors", PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE },
	{ "sessions", PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE },
	{ "api_tokens", PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE },
	{ "sign_in_failures", PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE },
	{ "audit", PRIV_SELECT | PRIV_INSERT },
	{ "form_nonces", PRIV_SELECT | PRIV_INSERT | PRIV_DELETE }, /* 007: spent, purged */
	{ 0 },
};

static const char *const priv_names[] = { "SELECT", "INSERT", "UPDATE", "DELETE" };
#define NPRIVS (sizeof priv_names / sizeof priv_names[0])

const struct setting app_user_settings[] = {
	{ .name = "APP_DATABASE_USER",
	  .set = setting_text,
	  .offset = APP(user),
	  .fallback = "",
	  .help = "migrate: create or update this database user for the pools and grant it "
	          "row access to the app's tables only (empty: no user managed)" },
	{ .name = "APP_DATABASE_PASSWORD",
	  .set = setting_text,
	  .offset = APP(password),
	  .fallback = "",
	  .help = "migrate: the app user's password" },
	{ .name = "APP_DATABASE_PASSWORD_FILE",
	  .set = setting_text,
	  .offset = APP(password_file),
	  .fallback = "",
	  .help = "migrate: read the app user's password from this file (first line)" },
	{ .name = "APP_DATABASE_HOST",
	  .set = setting_text,
	  .offset = APP(host),
	  .fallback = "%",
	  .help = "migrate: the host part of the app user's account ('%': any)" },
	{ 0 },
};

/* Letters, digits and the few marks account names need; nothing a quote can hide in. */
static int plain(const char *s, size_t max, const char *marks)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(marks, *p)))
			return 0;
	return 1;
}

int app_account_valid(const char *user, const char *host, char *why, size_t whylen)
{
	if (!plain(user, 32, "_.-")) {
		snprintf(why, whylen, "a user name is 1 to 32 of A-Z a-z 0-9 _ . -");
		return 0;
	}
	if (!plain(host, 255, "_.-%:")) {
		snprintf(why, whylen, "a host is 1 to 255 of A-Z a-z 0-9 _ . - %% :");
		return 0;
	}
	return 1;
}

void app_user_finish(struct app_user_config *app, const struct db_config *master)
{
	app->secret = NULL;
	if (!*app->user)
		return;
	char why[128];
	if (!app_account_valid(app->user, app->host, why, sizeof why))
		settings_fail("APP_DATABASE_USER", "%s", why);
	if (master->uri.user && strcmp(master->uri.user, app->user) == 0)
		settings_fail("APP_DATABASE_USER",
		              "is DATABASE_URI's own user: the app user must be another one");
	app->secret =
	        settings_secret(app->password, "APP_DATABASE_PASSWORD_FILE", app->password_file);
	if (!*app->secret)
		settings_fail("APP_DATABASE_PASSWORD_FILE",
		              "the app user needs a password (APP_DATABASE_PASSWORD or _FILE)");
}

void app_user_free(struct app_user_config *app)
{
	if (app->secret) {
		explicit_bzero(app->secret, strlen(app->secret));
		free(app->secret);
	}
	app->secret = NULL;
}

const char *db_privileges_text(unsigned privileges, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < NPRIVS; i++)
		if (privileges & (1u << i)) {
			int k = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			                 priv_names[i]);
			if (k < 0 || (size_t)k >= len - used) {
				buf[used] = '\0'; /* whole names only */
				break;
			}
			used += (size_t)k;
		}
	return buf;
}

/* ---- applying the table ---- */

enum { ST_TABLE_EXISTS, ST_TABLE_PRIVS, ST_SCHEMA_PRIVS, ST_USER_PRIVS, ST__MAX };
static const struct db_stmt grants_sql[ST__MAX] = {
	[ST_TABLE_EXISTS] = { .sql = "SELECT COUNT(*) FROM information_schema.TABLES"
	                             " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
	                      .params = "ss",
	                      .cols = "i" },
	[ST_TABLE_PRIVS] = { .sql = "SELECT TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, IS_GRANTABLE"
	                            " FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ?",
	                     .params = "s",
	                     .cols = "ssss" },
	[ST_SCHEMA_PRIVS] = { .sql = "SELECT TABLE_SCHEMA, '', PRIVILEGE_TYPE, IS_GRANTABLE"
	                             " FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ?",
	                      .params = "s",
	                      .cols = "ssss" },
	[ST_USER_PRIVS] = { .sql = "SELECT '', '', PRIVILEGE_TYPE, IS_GRANTABLE"
	                           " FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?"
	                           " AND PRIVILEGE_TYPE <> 'USAGE'",
	                    .params = "s",
	                    .cols = "ssss" },
};

/* A privilege the user holds: on schema.table, schema.* (table "") or *.* (both ""). */
struct held {
	char schema[65], table[65], priv[33];
	int grantable;
};
struct held_list {
	struct held *v;
	size_t n;
	int failed;
};

static int collect_held(const struct db_row *row, void *arg)
{
	struct held_list *l = arg;
	struct held *nv = realloc(l->v, (l->n + 1) * sizeof *l->v);
	if (!nv) {
		l->failed = 1;
		return 1;
	}
	l->v = nv;
	struct held *h = &l->v[l->n++];
	snprintf(h->schema, sizeof h->schema, "%s", row->col[0].s);
	snprintf(h->table, sizeof h->table, "%s", row->col[1].s);
	snprintf(h->priv, sizeof h->priv, "%s", row->col[2].s);
	h->grantable = strcmp(row->col[3].s, "YES") == 0;
	return 0;
}

static int take_count(const struct db_row *row, void *arg)
{
	*(long long *)arg = row->col[0].i;
	return 0;
}

/* The wanted privileges on db.table, 0 when none. */
static unsigned wanted(const char *dbname, const struct held *h)
{
	if (!*h->table || strcmp(h->schema, dbname) != 0)
		return 0;
	for (const struct table_grant *g = app_grants; g->table; g++)
		if (strcmp(g->table, h->table) == 0)
			return g->privileges;
	return 0;
}

static unsigned priv_bit(const char *name)
{
	for (unsigned i = 0; i < NPRIVS; i++)
		if (strcmp(priv_names[i], name) == 0)
			return 1u << i;
	return 0;
}

/* A GRANT or REVOKE: no secret in it, so its error may be shown. */
static int run_grant(struct db *db, const char *sql)
{
	if (db_script_exec(db, sql) != DB_OK) {
		fprintf(stderr, "migrate: %s: %s\n", sql, db->last_error);
		return -1;
	}
	return 0;
}

static int revoke(struct db *db, const char *what, const struct held *h, const char *account)
{
	char on[160], sql[512];
	if (*h->table)
		snprintf(on, sizeof on, "`%s`.`%s`", h->schema, h->table);
	else if (*h->schema)
		snprintf(on, sizeof on, "`%s`.*", h->schema);
	else
		snprintf(on, sizeof on, "*.*");
	snprintf(sql, sizeof sql, "REVOKE %s ON %s FROM %s", what, on, account);
	if (run_grant(db, sql) != 0)
		return -1;
	printf("migrate: app user: revoked %s ON %s\n", what, on);
	return 0;
}

/* Revoke what the user holds beyond app_grants[] on the database (anything elsewhere,
 * anything on the whole schema or server, GRANT OPTION). */
static int revoke_extra(struct db *db, const char *dbname, const char *account)
{
	struct held_list l = { 0 };
	const struct db_param p[] = { DB_TEXT(account, strlen(account)) };
	int rc = 0;
	for (int st = ST_TABLE_PRIVS; st <= ST_USER_PRIVS && rc == 0; st++)
		if (db_query(db, &grants_sql[st], p, collect_held, &l) != DB_OK || l.failed) {
			fprintf(stderr, "migrate: reading the app user's privileges: %s\n",
			        l.failed ? "out of memory" : db->last_error);
			rc = -1;
		}
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		const struct held *h = &l.v[i];
		/* Names come from the server's own tables; still, nothing unusual is quoted. */
		if (!plain(h->priv, 32, " _") || (*h->schema && !plain(h->schema, 64, "_$-")) ||
		    (*h->table && !plain(h->table, 64, "_$-"))) {
			fprintf(stderr,
			        "migrate: the app user holds %s on an unusual name: revoke it "
			        "by hand\n",
			        h->priv);
			rc = -1;
			break;
		}
		if (!(wanted(dbname, h) & priv_bit(h->priv)))
			rc = revoke(db, h->priv, h, account);
		if (rc == 0 && h->grantable) {
			rc = revoke(db, "GRANT OPTION", h, account);
			/* Once per object: every privilege row of it said YES. */
			for (size_t j = i + 1; j < l.n; j++)
				if (!strcmp(l.v[j].schema, h->schema) &&
				    !strcmp(l.v[j].table, h->table))
					l.v[j].grantable = 0;
		}
	}
	free(l.v);
	return rc;
}

/* CREATE USER / ALTER USER with the password: only the error number is shown. */
static int set_user(struct db *db, const struct app_user_config *app, const char *account)
{
	size_t plen = strlen(app->secret);
	char *esc = malloc(2 * plen + 1);
	size_t cap = 2 * plen + 512;
	char *sql = malloc(cap);
	int rc = -1;
	if (!esc || !sql) {
		fprintf(stderr, "migrate: out of memory\n");
		goto out;
	}
	mysql_real_escape_string(db->conn, esc, app->secret, (unsigned long)plen);
	/* TLS for the app user too when the master's connection asks for it over TCP. */
	const struct db_uri *u = &db->cfg->uri;
	int tls = !u->socket && u->ssl_mode >= SSL_REQUIRED;
	/* CREATE for a new user, ALTER for one that exists (a rotated password). */
	const char *const verbs[] = { "CREATE USER IF NOT EXISTS", "ALTER USER" };
	for (size_t i = 0; i < 2; i++) {
		snprintf(sql, cap, "%s %s IDENTIFIED BY '%s'%s", verbs[i], account, esc,
		         tls ? " REQUIRE SSL" : "");
		if (mysql_real_query(db->conn, sql, strlen(sql)) != 0) {
			fprintf(stderr, "migrate: %s the app user %s failed: error %u\n",
			        i ? "updating" : "creating", account, mysql_errno(db->conn));
			goto out;
		}
	}
	printf("migrate: app user %s: password set%s\n", account, tls ? ", TLS required" : "");
	rc = 0;
out:
	if (esc)
		explicit_bzero(esc, 2 * plen + 1);
	if (sql)
		explicit_bzero(sql, cap);
	free(esc);
	free(sql);
	return rc;
}

int db_grants_apply(struct db *db, const struct app_user_config *app)
{
	const char *dbname = db->cfg->uri.database;
	if (!dbname || !plain(dbname, 64, "_$-")) {
		fprintf(stderr, "migrate: the database name in DATABASE_URI is not a plain name: "
		                "no app user managed\n");
		return -1;
	}
	if (db_ensure(db) != DB_OK) {
		fprintf(stderr, "migrate: %s\n", db->last_error);
		return -1;
	}
	/* Also information_schema's spelling of the grantee. */
	char account[320];
	snprintf(account, sizeof account, "'%s'@'%s'", app->user, app->host);
	if (set_user(db, app, account) != 0)
		return -1;
	for (const struct table_grant *g = app_grants; g->table; g++) {
		long long exists = 0;
		const struct db_param p[] = { DB_TEXT(dbname, strlen(dbname)),
			                      DB_TEXT(g->table, strlen(g->table)) };
		if (db_query(db, &grants_sql[ST_TABLE_EXISTS], p, take_count, &exists) != DB_OK) {
			fprintf(stderr, "migrate: %s\n", db->last_error);
			return -1;
		}
		if (!exists) {
			printf("migrate: app user: no table %s yet: not granted\n", g->table);
			continue;
		}
		char privs[64], sql[512];
		db_privileges_text(g->privileges, privs, sizeof privs);
		snprintf(sql, sizeof sql, "GRANT %s ON `%s`.`%s` TO %s", privs, dbname, g->table,
		         account);
		if (run_grant(db, sql) != 0)
			return -1;
		printf("migrate: app user: %s ON %s\n", privs, g->table);
	}
	return revoke_extra(db, dbname, account);
}
