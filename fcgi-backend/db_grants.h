/*
 * db_grants: the application's database user and what it may do, as one table of
 * privileges per table (db_grants.c, app_grants[]). `fcgi-backend migrate` runs with
 * the master credentials (DATABASE_URI); given APP_DATABASE_USER it then creates that
 * user (or sets its password), grants each row of the table, and revokes whatever else
 * the user holds, so the pools — which connect as the app user — can change rows but
 * never the schema, and the audit trail only grows (INSERT and SELECT only).
 *
 * A new table is one row here, added by whoever adds its migration. A row whose table
 * does not exist yet is skipped with a line (granted by the migrate run after the one
 * that creates it), so the table may run ahead of the migrations.
 */
#ifndef BACKEND_DB_GRANTS_H
#define BACKEND_DB_GRANTS_H

#include <stddef.h>

#include "db.h"

enum db_privilege {
	PRIV_SELECT = 1 << 0,
	PRIV_INSERT = 1 << 1,
	PRIV_UPDATE = 1 << 2,
	PRIV_DELETE = 1 << 3,
};

struct table_grant {
	const char *table;
	unsigned privileges; /* enum db_privilege, or'ed */
};

/* The table, ending with { 0 } (exposed for the unit test and the docs' check). */
extern const struct table_grant app_grants[];

/* APP_DATABASE_USER ("" : migrate manages no user), APP_DATABASE_PASSWORD(_FILE),
 * APP_DATABASE_HOST. */
struct app_user_config {
	const char *user, *password, *password_file, *host;
	char *secret; /* after app_user_finish: the password (malloc'd) */
};
extern const struct setting app_user_settings[];

/* 1 when user and host are plain account names (no quote, no space); else 0, why. */
int app_account_valid(const char *user, const char *host, char *why, size_t whylen);

/* After settings_load, for `migrate` only: refuses (settings_fail) a user or host that
 * is not a plain name, the master's own user, or a user without a password. */
void app_user_finish(struct app_user_config *app, const struct db_config *master);
void app_user_free(struct app_user_config *app);

/* "SELECT, INSERT" for PRIV_SELECT | PRIV_INSERT, into buf. */
const char *db_privileges_text(unsigned privileges, char *buf, size_t len);

/*
 * On the master's connection db (database: the URI's): create or update the user,
 * grant app_grants[] on the tables that exist, revoke anything else it holds. Prints a
 * line per change on stdout; returns 0, or -1 (message on stderr; the password never
 * appears in either).
 */
int db_grants_apply(struct db *db, const struct app_user_config *app);

#endif
