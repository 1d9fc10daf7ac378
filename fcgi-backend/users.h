/*
 * users: the users table as the API needs it — list (by id, or by name prefix),
 * count, fetch, create, rename, delete — each a prepared statement. Names are
 * compared case-insensitively (the nameKey column, LOWER(userName) under utf8mb4_bin):
 * 'bob' and 'Bob' are the same user name; and by their confusable skeleton
 * (nameSkeleton, computed here with name_rules.h): 'Bob' and Cyrillic 'Воb' cannot both
 * exist. See sql/ and README.md.
 */
#ifndef BACKEND_USERS_H
#define BACKEND_USERS_H

#include <cjson/cJSON.h>

#include "audit.h"
#include "cursor.h"
#include "db.h"
#include "form_nonces.h"
#include "users_contract.h"

struct user {
	long long id;
	char name[USER_NAME_MAX_BYTES + 1];
	char created[32]; /* RFC 3339, UTC: 2026-01-01T00:00:00Z */
};

/* Every user's name, ordered by id (the old API), handed to fn as it is read:
 * row->col[0] is the name. A non-zero return skips the rest. */
enum db_status users_compat_each(struct db *db, db_row_fn fn, void *arg);

/* A prefix search counts at most max(this, offset + limit + 1) matches. */
#define PREFIX_COUNT_BOUND 1000

/* One page of the list: by offset (after NULL) or after a cursor, in an order; with a
 * non-empty prefix only the users whose name starts with it (ignoring case), and then
 * only in an order by name. */
struct users_list_query {
	const char *prefix;
	enum list_order order;
	long long limit, offset;
	const struct cursor *after;
};
struct users_list_result {
	long long total; /* matching users; with a prefix at most the bound */
	int exact;       /* 0: a prefix search stopped counting at total ("at least") */
	int has_next;    /* a user follows the page: next is the cursor of its last */
	struct cursor next;
};
/* The page in one statement (the users and the total together): fn gets each user of
 * the page in order (a non-zero return stops). */
enum db_status users_list(struct db *db, const struct users_list_query *q,
                          int (*fn)(const struct user *u, void *arg), void *arg,
                          struct users_list_result *res);

/* DB_OK with *found 0 or 1 (u filled when 1). */
enum db_status users_get(struct db *db, long long id, struct user *u, int *found);
/* The writes. Each records its audit row (who: actor) in the same transaction, so a
 * change and its record are kept or lost together; and spends the form nonce it came
 * with (nonce: NULL or empty for none) first in that transaction (form_nonces.h), so a
 * form writes once: DB_SPENT when it had, before anything else is looked at; a write
 * that fails rolls its nonce back. DB_DUPLICATE when the name is taken or looks like
 * one that is (its skeleton is taken: users_holder says which and who); DB_FULL when
 * no id is left. The name is stored in its canonical form, with its skeleton
 * (name_rules.h). */
enum db_status users_create(struct db *db, const struct audit_actor *actor,
                            const struct form_nonce *nonce, const char *name, size_t len,
                            long long *id);
/* *found 0 when there is no such user. */
enum db_status users_rename(struct db *db, const struct audit_actor *actor,
                            const struct form_nonce *nonce, long long id, const char *name,
                            size_t len, int *found);
enum db_status users_delete(struct db *db, const struct audit_actor *actor,
                            const struct form_nonce *nonce, long long id, int *found);
enum users_clash {
	USERS_CLASH_NONE,
	USERS_CLASH_SAME,      /* the same name ignoring case (nameKey) */
	USERS_CLASH_LOOKALIKE, /* another name with the same confusable skeleton */
};
/* After DB_DUPLICATE: the user who holds name (or a name that looks like it) into u,
 * and which clash it is. DB_OK with USERS_CLASH_NONE when the holder is gone. */
enum db_status users_holder(struct db *db, const char *name, size_t len, struct user *u,
                            enum users_clash *clash);
/* The database answers and the schema is in place. */
enum db_status users_ready(struct db *db);
/* Set the maintained count from COUNT(*) (after writes that bypassed the API). */
enum db_status users_recount(struct db *db, long long *total);

cJSON *user_to_json(const struct user *u);

#endif
