/*
 * users: the users table as the API needs it — list (by id, or by name prefix),
 * count, fetch, create, rename, delete — each a prepared statement. Names are
 * compared case-insensitively (the nameKey column, LOWER(userName) under utf8mb4_bin):
 * 'bob' and 'Bob' are the same user name. See sql/ and README.md.
 */
#ifndef BACKEND_USERS_H
#define BACKEND_USERS_H

#include <cjson/cJSON.h>

#include "audit.h"
#include "db.h"
#include "users_contract.h"

struct user {
	long long id;
	char name[USER_NAME_MAX_BYTES + 1];
	char created[32]; /* RFC 3339, UTC: 2026-01-01T00:00:00Z */
};

/* Append {"userName":…} for every user, ordered by id, to arr (the old API). */
enum db_status users_compat_list(struct db *db, cJSON *arr);

/* A prefix search counts at most max(this, offset + limit + 1) matches. */
#define PREFIX_COUNT_BOUND 1000

/* Append up to limit users from offset to arr as {"id","userName","createdAt"}: by id,
 * or, with a non-empty prefix, those whose name starts with it (case-insensitive), by
 * name. *total gets the number of matching users; *exact 0 when a prefix search
 * stopped counting at its bound (there are at least *total). */
enum db_status users_list(struct db *db, const char *prefix, long long limit, long long offset,
                          cJSON *arr, long long *total, int *exact);

/* DB_OK with *found 0 or 1 (u filled when 1). */
enum db_status users_get(struct db *db, long long id, struct user *u, int *found);
/* The user whose name equals name ignoring case (the unique key's comparison). */
enum db_status users_get_by_name(struct db *db, const char *name, size_t len, struct user *u,
                                 int *found);
/* The writes. Each records its audit row (who: actor) in the same transaction, so a
 * change and its record are kept or lost together. */
/* DB_DUPLICATE when the name is taken. */
enum db_status users_create(struct db *db, const struct audit_actor *actor, const char *name,
                            size_t len, long long *id);
/* *found 0 when there is no such user. */
enum db_status users_rename(struct db *db, const struct audit_actor *actor, long long id,
                            const char *name, size_t len, int *found);
enum db_status users_delete(struct db *db, const struct audit_actor *actor, long long id,
                            int *found);
/* The database answers and the schema is in place. */
enum db_status users_ready(struct db *db);
/* Set the maintained count from COUNT(*) (after writes that bypassed the API). */
enum db_status users_recount(struct db *db, long long *total);

cJSON *user_to_json(const struct user *u);

#endif
