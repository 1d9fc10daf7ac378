/*
 * migrate: applies the numbered migrations in a directory (NNN_name.sql, in number
 * order) that the schema_migrations table does not list yet, one at a time, each
 * recorded when done. A lock (GET_LOCK) lets several containers start at once.
 *
 * A migration file holds statements ending with ';' at the end of a line. A statement
 * preceded by the line "-- @abort-if-rows: message" is a check: if it returns rows,
 * the migration stops there, printing the message and the rows, and changes nothing
 * more (used to refuse duplicate names in a legacy table before adding the key).
 */
#ifndef BACKEND_MIGRATE_H
#define BACKEND_MIGRATE_H

#include "db.h"

struct migrate_config {
	const char *dir; /* MIGRATIONS_DIR; "": the default below */
};

/* MIGRATIONS_DIR, into a struct migrate_config. */
extern const struct setting migrate_settings[];

struct app_user_config;
/* Returns the exit status: 0 done (or nothing to do), 1 failed (message printed). With
 * app (may be NULL) naming a user, that user is then created or updated and granted
 * (db_grants.h). */
int migrate_run(const struct db_config *cfg, const char *dir, const struct app_user_config *app);

/* The directory to use: MIGRATIONS_DIR, else <exe>/../share/fcgi-users/sql, else ./sql. */
const char *migrate_dir(const struct migrate_config *cfg, char *buf, size_t len);

#endif
