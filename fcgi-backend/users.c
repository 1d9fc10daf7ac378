/*
 * users: SQL for the users table. The unfiltered total comes from user_count, a
 * one-row counter kept in the same transaction as every insert and delete, because
 * COUNT(*) over InnoDB reads the whole index (200 ms at a million rows). A prefix
 * search counts its matches over the nameKey index range, which costs as much as the
 * matches (20-60 ms for a one-letter prefix at a million rows), so it counts at most
 * PREFIX_COUNT_BOUND matches past the page asked for and says when it stopped
 * (totalExact false). LIKE patterns escape their metacharacters with '!'.
 */
#include "users.h"

#include <stdlib.h>
#include <string.h>

#define USER_COLS    "id, userName, DATE_FORMAT(createdAt, '%Y-%m-%dT%H:%i:%sZ')"
#define PREFIX_MATCH "nameKey LIKE CONCAT(LOWER(?), '%') ESCAPE '!'"

/* Every statement on the users tables. Shapes: 'i' integer, 's' text (db.h). */
enum {
	ST_COMPAT_LIST,
	ST_LIST,
	ST_LIST_PREFIX,
	ST_COUNT_ALL,
	ST_COUNT_PREFIX,
	ST_GET,
	ST_GET_BY_NAME,
	ST_INSERT,
	ST_COUNT_INC,
	ST_RENAME,
	ST_DELETE,
	ST_COUNT_DEC,
	ST_RECOUNT,
	ST_LOCK_NAME,
	ST__MAX
};
static const struct db_stmt users_sql[ST__MAX] = {
	[ST_COMPAT_LIST] = { .sql = "SELECT userName FROM users ORDER BY id", .cols = "s" },
	[ST_LIST] = { .sql = "SELECT " USER_COLS " FROM users ORDER BY id LIMIT ? OFFSET ?",
	              .params = "ii",
	              .cols = "iss" },
	[ST_LIST_PREFIX] = { .sql = "SELECT " USER_COLS " FROM users WHERE " PREFIX_MATCH
	                            " ORDER BY nameKey LIMIT ? OFFSET ?",
	                     .params = "sii",
	                     .cols = "iss" },
	[ST_COUNT_ALL] = { .sql = "SELECT users FROM user_count WHERE id = 1", .cols = "i" },
	[ST_COUNT_PREFIX] = { .sql = "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE " PREFIX_MATCH
	                             " LIMIT ?) AS m",
	                      .params = "si",
	                      .cols = "i" },
	[ST_GET] = { .sql = "SELECT " USER_COLS " FROM users WHERE id = ?",
	             .params = "i",
	             .cols = "iss" },
	/* Who holds a name, compared the way the unique key compares (a 409 names them). */
	[ST_GET_BY_NAME] = { .sql = "SELECT " USER_COLS " FROM users WHERE nameKey = LOWER(?)",
	                     .params = "s",
	                     .cols = "iss" },
	[ST_INSERT] = { .sql = "INSERT INTO users (userName, createdAt) VALUES (?, "
	                       "UTC_TIMESTAMP())",
	                .params = "s" },
	[ST_COUNT_INC] = { .sql = "UPDATE user_count SET users = users + 1 WHERE id = 1" },
	[ST_RENAME] = { .sql = "UPDATE users SET userName = ? WHERE id = ?", .params = "si" },
	[ST_DELETE] = { .sql = "DELETE FROM users WHERE id = ?", .params = "i" },
	[ST_COUNT_DEC] = { .sql = "UPDATE user_count SET users = users - 1 WHERE id = 1" },
	/* The row a rename or delete changes, locked until the transaction ends: the audit
	 * row names what it was. */
	[ST_LOCK_NAME] = { .sql = "SELECT userName FROM users WHERE id = ? FOR UPDATE",
	                   .params = "i",
	                   .cols = "s" },
	[ST_RECOUNT] = { .sql = "UPDATE user_count SET users = (SELECT COUNT(*) FROM users) "
	                        "WHERE id = 1" },
};

cJSON *user_to_json(const struct user *u)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, USER_FIELD_ID, (double)u->id);
	cJSON_AddStringToObject(o, USER_FIELD_NAME, u->name);
	cJSON_AddStringToObject(o, USER_FIELD_CREATED, u->created);
	return o;
}

/* A row of USER_COLS into u; -1 when a value does not fit (not a name the API wrote). */
static int user_from_row(const struct db_row *row, struct user *u)
{
	if (row->col[1].len >= sizeof u->name || row->col[2].len >= sizeof u->created)
		return -1;
	u->id = row->col[0].i;
	memcpy(u->name, row->col[1].s, row->col[1].len + 1);
	memcpy(u->created, row->col[2].s, row->col[2].len + 1);
	return 0;
}

/* Rows appended to a JSON array; failed when memory ran out. */
struct list_arg {
	cJSON *arr;
	int failed;
};

static int append(struct list_arg *a, cJSON *o)
{
	if (!o || !cJSON_AddItemToArray(a->arr, o)) {
		cJSON_Delete(o);
		a->failed = 1;
		return 1;
	}
	return 0;
}

static int add_user_row(const struct db_row *row, void *arg)
{
	struct user u;
	return append(arg, user_from_row(row, &u) == 0 ? user_to_json(&u) : NULL);
}

static int add_compat_row(const struct db_row *row, void *arg)
{
	cJSON *o = cJSON_CreateObject();
	if (o && !cJSON_AddStringToObject(o, USER_FIELD_NAME, row->col[0].s)) {
		cJSON_Delete(o);
		o = NULL;
	}
	return append(arg, o);
}

enum db_status users_compat_list(struct db *db, cJSON *arr)
{
	struct list_arg a = { .arr = arr };
	enum db_status st = db_query(db, &users_sql[ST_COMPAT_LIST], NULL, add_compat_row, &a);
	return st == DB_OK && a.failed ? DB_ERROR : st;
}

/* "a%b_c!" → "a!%b!_c!!" : the prefix matched literally by LIKE … ESCAPE '!'. */
static char *like_escape(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(2 * n + 1);
	if (!d)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '!')
			d[j++] = '!';
		d[j++] = s[i];
	}
	d[j] = '\0';
	return d;
}

static int take_count(const struct db_row *row, void *arg)
{
	*(long long *)arg = row->col[0].i;
	return 0;
}

enum db_status users_list(struct db *db, const char *prefix, long long limit, long long offset,
                          cJSON *arr, long long *total, int *exact)
{
	struct list_arg a = { .arr = arr };
	*total = 0;
	*exact = 1;
	enum db_status st;
	if (!prefix || !*prefix) {
		const struct db_param p[] = { DB_INT(limit), DB_INT(offset) };
		st = db_query(db, &users_sql[ST_LIST], p, add_user_row, &a);
		if (st == DB_OK)
			st = db_query(db, &users_sql[ST_COUNT_ALL], NULL, take_count, total);
	} else {
		char *pat = like_escape(prefix);
		if (!pat)
			return DB_ERROR;
		long long bound = offset + limit + 1;
		if (bound < PREFIX_COUNT_BOUND)
			bound = PREFIX_COUNT_BOUND;
		const struct db_param p[] = { DB_TEXT(pat, strlen(pat)), DB_INT(limit),
			                      DB_INT(offset) };
		const struct db_param cp[] = { DB_TEXT(pat, strlen(pat)), DB_INT(bound) };
		st = db_query(db, &users_sql[ST_LIST_PREFIX], p, add_user_row, &a);
		if (st == DB_OK)
			st = db_query(db, &users_sql[ST_COUNT_PREFIX], cp, take_count, total);
		*exact = *total < bound;
		free(pat);
	}
	return st == DB_OK && a.failed ? DB_ERROR : st;
}

/* The one row of a lookup by id. */
struct get_arg {
	struct user *u;
	int found, bad;
};

static int take_user(const struct db_row *row, void *arg)
{
	struct get_arg *g = arg;
	g->bad = user_from_row(row, g->u) != 0;
	g->found = !g->bad;
	return 0;
}

enum db_status users_get(struct db *db, long long id, struct user *u, int *found)
{
	const struct db_param p[] = { DB_INT(id) };
	struct get_arg g = { .u = u };
	enum db_status st = db_query(db, &users_sql[ST_GET], p, take_user, &g);
	*found = g.found;
	return st == DB_OK && g.bad ? DB_ERROR : st;
}

enum db_status users_get_by_name(struct db *db, const char *name, size_t len, struct user *u,
                                 int *found)
{
	const struct db_param p[] = { DB_TEXT(name, len) };
	struct get_arg g = { .u = u };
	enum db_status st = db_query(db, &users_sql[ST_GET_BY_NAME], p, take_user, &g);
	*found = g.found;
	return st == DB_OK && g.bad ? DB_ERROR : st;
}

/* The user's name as stored, into name (capacity USER_NAME_MAX_BYTES + 1). */
static int take_name(const struct db_row *row, void *arg)
{
	size_t n = row->col[0].len <= USER_NAME_MAX_BYTES ? row->col[0].len : USER_NAME_MAX_BYTES;
	memcpy(arg, row->col[0].s, n);
	((char *)arg)[n] = '\0';
	return 0;
}

/* Begin the transaction of a change to user id, its row locked and its name as stored
 * in old ("" and no transaction left open when there is no such user). */
static enum db_status begin_on_user(struct db *db, long long id, char old[USER_NAME_MAX_BYTES + 1])
{
	old[0] = '\0';
	enum db_status st = db_begin(db);
	if (st != DB_OK)
		return st;
	const struct db_param who[] = { DB_INT(id) };
	st = db_query(db, &users_sql[ST_LOCK_NAME], who, take_name, old);
	if (st != DB_OK || !old[0])
		db_rollback(db);
	return st;
}

/* The end of a write's transaction: its audit row, then commit; or roll back. */
static enum db_status finish(struct db *db, enum db_status st, const struct audit_actor *actor,
                             const struct audit_entry *entry)
{
	if (st == DB_OK)
		st = audit_record(db, actor, entry);
	if (st == DB_OK)
		return db_commit(db);
	db_rollback(db);
	return st;
}

enum db_status users_create(struct db *db, const struct audit_actor *actor, const char *name,
                            size_t len, long long *id)
{
	*id = 0;
	enum db_status st = db_begin(db);
	if (st != DB_OK)
		return st;
	const struct db_param p[] = { DB_TEXT(name, len) };
	st = db_exec(db, &users_sql[ST_INSERT], p, NULL);
	if (st == DB_OK) {
		*id = (long long)db->insert_id;
		st = db_exec(db, &users_sql[ST_COUNT_INC], NULL, NULL);
	}
	const struct audit_entry entry = { .action = AUDIT_USER_CREATE,
		                           .user_id = *id,
		                           .new_name = name };
	st = finish(db, st, actor, &entry);
	if (st != DB_OK)
		*id = 0;
	return st;
}

enum db_status users_rename(struct db *db, const struct audit_actor *actor, long long id,
                            const char *name, size_t len, int *found)
{
	*found = 0;
	char old[USER_NAME_MAX_BYTES + 1] = "";
	enum db_status st = begin_on_user(db, id, old);
	if (st != DB_OK || !old[0])
		return st;
	const struct db_param p[] = { DB_TEXT(name, len), DB_INT(id) };
	st = db_exec(db, &users_sql[ST_RENAME], p, NULL);
	const struct audit_entry entry = {
		.action = AUDIT_USER_RENAME, .user_id = id, .old_name = old, .new_name = name
	};
	st = finish(db, st, actor, &entry);
	*found = st == DB_OK;
	return st;
}

enum db_status users_delete(struct db *db, const struct audit_actor *actor, long long id,
                            int *found)
{
	*found = 0;
	char old[USER_NAME_MAX_BYTES + 1] = "";
	enum db_status st = begin_on_user(db, id, old);
	if (st != DB_OK || !old[0])
		return st;
	const struct db_param who[] = { DB_INT(id) };
	st = db_exec(db, &users_sql[ST_DELETE], who, NULL);
	if (st == DB_OK)
		st = db_exec(db, &users_sql[ST_COUNT_DEC], NULL, NULL);
	const struct audit_entry entry = { .action = AUDIT_USER_DELETE,
		                           .user_id = id,
		                           .old_name = old };
	st = finish(db, st, actor, &entry);
	*found = st == DB_OK;
	return st;
}

enum db_status users_ready(struct db *db)
{
	long long n = -1;
	enum db_status st = db_query(db, &users_sql[ST_COUNT_ALL], NULL, take_count, &n);
	if (st == DB_OK && n < 0)
		return DB_ERROR; /* migrated only part way: no counter row */
	return st;
}

enum db_status users_recount(struct db *db, long long *total)
{
	enum db_status st = db_exec(db, &users_sql[ST_RECOUNT], NULL, NULL);
	if (st == DB_OK)
		st = db_query(db, &users_sql[ST_COUNT_ALL], NULL, take_count, total);
	return st;
}
