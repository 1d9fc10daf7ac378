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

enum {
	ST_COMPAT_LIST,
	ST_LIST,
	ST_LIST_PREFIX,
	ST_COUNT_ALL,
	ST_COUNT_PREFIX,
	ST_GET,
	ST_INSERT,
	ST_COUNT_INC,
	ST_RENAME,
	ST_DELETE,
	ST_COUNT_DEC,
	ST_READY,
	ST_RECOUNT,
};

#define USER_COLS    "id, userName, DATE_FORMAT(createdAt, '%Y-%m-%dT%H:%i:%sZ')"
#define PREFIX_MATCH "nameKey LIKE CONCAT(LOWER(?), '%') ESCAPE '!'"

static const char sql_compat_list[] = "SELECT userName FROM users ORDER BY id";
static const char sql_list[] = "SELECT " USER_COLS " FROM users ORDER BY id LIMIT ? OFFSET ?";
static const char sql_list_prefix[] =
        "SELECT " USER_COLS " FROM users WHERE " PREFIX_MATCH " ORDER BY nameKey LIMIT ? OFFSET ?";
static const char sql_count_all[] = "SELECT users FROM user_count WHERE id = 1";
static const char sql_count_prefix[] =
        "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE " PREFIX_MATCH " LIMIT ?) AS m";
static const char sql_get[] = "SELECT " USER_COLS " FROM users WHERE id = ?";
static const char sql_insert[] =
        "INSERT INTO users (userName, createdAt) VALUES (?, UTC_TIMESTAMP())";
static const char sql_count_inc[] = "UPDATE user_count SET users = users + 1 WHERE id = 1";
static const char sql_rename[] = "UPDATE users SET userName = ? WHERE id = ?";
static const char sql_delete[] = "DELETE FROM users WHERE id = ?";
static const char sql_count_dec[] = "UPDATE user_count SET users = users - 1 WHERE id = 1";
static const char sql_recount[] =
        "UPDATE user_count SET users = (SELECT COUNT(*) FROM users) WHERE id = 1";

static struct db_value text_param(const char *s, size_t len)
{
	struct db_value v = { 0 };
	v.type = DB_TEXT;
	v.s = s;
	v.len = len;
	return v;
}

static struct db_value int_param(long long i)
{
	struct db_value v = { 0 };
	v.type = DB_INT;
	v.i = i;
	return v;
}

cJSON *user_to_json(const struct user *u)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "userName", u->name);
	cJSON_AddStringToObject(o, "createdAt", u->created);
	return o;
}

/* Result columns of USER_COLS, filling u. */
static void user_cols(struct db_value cols[3], struct user *u)
{
	memset(cols, 0, 3 * sizeof cols[0]);
	cols[0].type = DB_INT;
	cols[1].type = DB_TEXT;
	cols[1].buf = u->name;
	cols[1].cap = sizeof u->name;
	cols[2].type = DB_TEXT;
	cols[2].buf = u->created;
	cols[2].cap = sizeof u->created;
}

struct list_arg {
	cJSON *arr;
	struct user *u;
	int failed;
};

static int add_user_row(struct db_value *cols, void *arg)
{
	struct list_arg *a = arg;
	a->u->id = cols[0].i;
	cJSON *o = user_to_json(a->u);
	if (!o || !cJSON_AddItemToArray(a->arr, o)) {
		cJSON_Delete(o);
		a->failed = 1;
		return 1;
	}
	return 0;
}

static int add_compat_row(struct db_value *cols, void *arg)
{
	struct list_arg *a = arg;
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "userName", cols[0].s) ||
	    !cJSON_AddItemToArray(a->arr, o)) {
		cJSON_Delete(o);
		a->failed = 1;
		return 1;
	}
	return 0;
}

enum db_status users_compat_list(struct db *db, cJSON *arr)
{
	char name[4 * USER_NAME_MAX + 1];
	struct db_value col = { 0 };
	col.type = DB_TEXT;
	col.buf = name;
	col.cap = sizeof name;
	struct list_arg a = { arr, NULL, 0 };
	enum db_status st = db_run(db, ST_COMPAT_LIST, sql_compat_list, NULL, 0, &col, 1,
	                           add_compat_row, &a, NULL, NULL, 1);
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

static int take_count(struct db_value *cols, void *arg)
{
	*(long long *)arg = cols[0].i;
	return 0;
}

enum db_status users_list(struct db *db, const char *prefix, long long limit, long long offset,
                          cJSON *arr, long long *total, int *exact)
{
	struct user u = { 0 };
	struct db_value cols[3];
	user_cols(cols, &u);
	struct list_arg a = { arr, &u, 0 };
	struct db_value cnt = { 0 };
	cnt.type = DB_INT;
	*total = 0;
	*exact = 1;
	enum db_status st;
	if (!prefix || !*prefix) {
		struct db_value p[2] = { int_param(limit), int_param(offset) };
		st = db_run(db, ST_LIST, sql_list, p, 2, cols, 3, add_user_row, &a, NULL, NULL, 1);
		if (st == DB_OK)
			st = db_run(db, ST_COUNT_ALL, sql_count_all, NULL, 0, &cnt, 1, take_count,
			            total, NULL, NULL, 1);
	} else {
		char *pat = like_escape(prefix);
		if (!pat)
			return DB_ERROR;
		struct db_value p[3] = { text_param(pat, strlen(pat)), int_param(limit),
			                 int_param(offset) };
		st = db_run(db, ST_LIST_PREFIX, sql_list_prefix, p, 3, cols, 3, add_user_row, &a,
		            NULL, NULL, 1);
		long long bound = offset + limit + 1;
		if (bound < PREFIX_COUNT_BOUND)
			bound = PREFIX_COUNT_BOUND;
		struct db_value cp[2] = { p[0], int_param(bound) };
		if (st == DB_OK)
			st = db_run(db, ST_COUNT_PREFIX, sql_count_prefix, cp, 2, &cnt, 1,
			            take_count, total, NULL, NULL, 1);
		*exact = *total < bound;
		free(pat);
	}
	return st == DB_OK && a.failed ? DB_ERROR : st;
}

static int take_user(struct db_value *cols, void *arg)
{
	struct list_arg *a = arg;
	a->u->id = cols[0].i;
	a->failed = 1; /* found */
	return 0;
}

enum db_status users_get(struct db *db, long long id, struct user *u, int *found)
{
	struct db_value cols[3];
	user_cols(cols, u);
	struct db_value p = int_param(id);
	struct list_arg a = { NULL, u, 0 };
	enum db_status st =
	        db_run(db, ST_GET, sql_get, &p, 1, cols, 3, take_user, &a, NULL, NULL, 1);
	*found = a.failed;
	return st;
}

enum db_status users_create(struct db *db, const char *name, size_t len, long long *id)
{
	enum db_status st = db_begin(db);
	if (st != DB_OK)
		return st;
	struct db_value p = text_param(name, len);
	unsigned long long new_id = 0;
	st = db_run(db, ST_INSERT, sql_insert, &p, 1, NULL, 0, NULL, NULL, NULL, &new_id, 0);
	if (st == DB_OK)
		st = db_run(db, ST_COUNT_INC, sql_count_inc, NULL, 0, NULL, 0, NULL, NULL, NULL,
		            NULL, 0);
	if (st == DB_OK)
		st = db_commit(db);
	else
		db_rollback(db);
	*id = (long long)new_id;
	return st;
}

enum db_status users_rename(struct db *db, long long id, const char *name, size_t len, int *found)
{
	struct db_value p[2] = { text_param(name, len), int_param(id) };
	unsigned long long matched = 0;
	enum db_status st =
	        db_run(db, ST_RENAME, sql_rename, p, 2, NULL, 0, NULL, NULL, &matched, NULL, 0);
	*found = matched > 0;
	return st;
}

enum db_status users_delete(struct db *db, long long id, int *found)
{
	*found = 0;
	enum db_status st = db_begin(db);
	if (st != DB_OK)
		return st;
	struct db_value p = int_param(id);
	unsigned long long n = 0;
	st = db_run(db, ST_DELETE, sql_delete, &p, 1, NULL, 0, NULL, NULL, &n, NULL, 0);
	if (st == DB_OK && n > 0)
		st = db_run(db, ST_COUNT_DEC, sql_count_dec, NULL, 0, NULL, 0, NULL, NULL, NULL,
		            NULL, 0);
	if (st == DB_OK && n > 0) {
		st = db_commit(db);
		*found = st == DB_OK;
	} else {
		db_rollback(db);
	}
	return st;
}

enum db_status users_ready(struct db *db)
{
	long long n = -1;
	struct db_value cnt = { 0 };
	cnt.type = DB_INT;
	enum db_status st = db_run(db, ST_READY, sql_count_all, NULL, 0, &cnt, 1, take_count, &n,
	                           NULL, NULL, 1);
	if (st == DB_OK && n < 0)
		return DB_ERROR; /* migrated only part way: no counter row */
	return st;
}

enum db_status users_recount(struct db *db, long long *total)
{
	enum db_status st =
	        db_run(db, ST_RECOUNT, sql_recount, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, 0);
	struct db_value cnt = { 0 };
	cnt.type = DB_INT;
	if (st == DB_OK)
		st = db_run(db, ST_COUNT_ALL, sql_count_all, NULL, 0, &cnt, 1, take_count, total,
		            NULL, NULL, 1);
	return st;
}
