/*
 * users: SQL for the users table. The unfiltered total comes from user_count, a
 * one-row counter kept in the same transaction as every insert and delete, because
 * COUNT(*) over InnoDB reads the whole index (200 ms at a million rows). A prefix
 * search counts its matches over the nameKey index range, which costs as much as the
 * matches (20-60 ms for a one-letter prefix at a million rows), so it counts at most
 * PREFIX_COUNT_BOUND matches past the page asked for and says when it stopped
 * (totalExact false). LIKE patterns escape their metacharacters with '!'.
 *
 * A page of the list is one statement: the total is an uncorrelated subquery in the
 * select list (user_count), so it comes on every row of the page in the same round
 * trip; only a page past the end asks for it in a second statement. (It was a derived
 * table LEFT JOINed to the page as a second derived table: four temporary tables per
 * page.) A search's page carries no total: when the page by offset is not full it ends
 * the matches, so offset + its rows is the exact total and no count runs (every narrow
 * search, most pages). Otherwise ST_COUNT_PREFIX counts up to the bound reading the
 * index alone (the bound-th match, else COUNT), prepared for each execution (db.h,
 * prepare_each): kept and re-executed, MariaDB 10.11 ran that walk two to three times
 * slower under concurrent workers, and a one-letter prefix at a million users answered
 * 0.8x php-fpm's (docs/benchmarks.md). The page reads limit + 1 rows: the extra one only says
 * that a next page exists. After a cursor the page starts through the index where the
 * cursor's user was (keyset), so a deep page costs what the first one costs. Orders by
 * name sort on nameKey alone: its unique index (sql/002) is already a total order, and
 * "ORDER BY nameKey, id" made MariaDB sort every match instead of reading the index in
 * order (a one-letter prefix at a million users: 1.45 s against 1.5 ms; the whole list
 * by name: 1.3 s against 10 ms). The cursor still compares (nameKey, id), which is
 * exact either way.
 */
#include "users.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "name_rules.h"

#define USER_COLS    "id, userName, DATE_FORMAT(createdAt, '%Y-%m-%dT%H:%i:%sZ')"
#define PREFIX_MATCH "nameKey LIKE CONCAT(LOWER(?), '%') ESCAPE '!'"

/* The page statements: the total ("n", an uncorrelated subquery MariaDB evaluates once
 * per execution) beside every user of the page. */
#define PAGE_COLS USER_COLS " AS created, nameKey"
#define TOTAL_ALL "(SELECT users FROM user_count WHERE id = 1)"
/* A search's page carries no total (a constant 0 keeps the list's row shape, so both
 * share take_page_row): the page itself tells it when it is the last one, and otherwise
 * users_list asks ST_COUNT_PREFIX. */
#define TOTAL_PAGE "0"
#define PAGE_SQL(total, where, order)                                                              \
	"SELECT " total " AS n, " PAGE_COLS " FROM users " where " ORDER BY " order                \
	" LIMIT ? OFFSET ?"
#define AFTER_ID        "id > ?"
#define AFTER_ID_DESC   "id < ?"
#define AFTER_NAME      "nameKey >= ? AND (nameKey > ? OR id > ?)"
#define AFTER_NAME_DESC "nameKey <= ? AND (nameKey < ? OR id < ?)"
#define BY_ID           "id"
#define BY_ID_DESC      "id DESC"
#define BY_NAME         "nameKey"
#define BY_NAME_DESC    "nameKey DESC"
#define PAGE_COLS_SHAPE "iisss"

/* Every statement on the users tables. Shapes: 'i' integer, 's' text (db.h). */
enum {
	ST_COMPAT_LIST,
	ST_COUNT_ALL,
	ST_COUNT_PREFIX,
	ST_GET,
	ST_INSERT,
	ST_COUNT_INC,
	ST_RENAME,
	ST_DELETE,
	ST_COUNT_DEC,
	ST_RECOUNT,
	ST_LOCK_NAME,
	ST_BY_NAME_KEY,
	ST_BY_SKELETON,
	ST__MAX
};
static const struct db_stmt users_sql[ST__MAX] = {
	[ST_COMPAT_LIST] = { .sql = "SELECT userName FROM users ORDER BY id", .cols = "s" },
	[ST_COUNT_ALL] = { .sql = "SELECT users FROM user_count WHERE id = 1", .cols = "i" },
	/* A prefix's matches, counted to a bound, for a full search page or one after a
	 * cursor: the bound when the bound-th match exists (a walk of bound index entries),
	 * else the exact count of the fewer matches. Parameters: bound, pattern, bound - 1,
	 * pattern. */
	[ST_COUNT_PREFIX] = { .sql = "SELECT IFNULL((SELECT ? FROM users WHERE " PREFIX_MATCH
	                             " ORDER BY nameKey LIMIT 1 OFFSET ?), (SELECT COUNT(*) FROM "
	                             "users WHERE " PREFIX_MATCH "))",
	                      .params = "isis",
	                      .cols = "i",
	                      .prepare_each = 1 },
	[ST_GET] = { .sql = "SELECT " USER_COLS " FROM users WHERE id = ?",
	             .params = "i",
	             .cols = "iss" },
	/* Who holds a name, compared the way each unique key compares (a 409 names them). */
	[ST_BY_NAME_KEY] = { .sql = "SELECT " USER_COLS " FROM users WHERE nameKey = LOWER(?)",
	                     .params = "s",
	                     .cols = "iss" },
	[ST_BY_SKELETON] = { .sql = "SELECT " USER_COLS " FROM users WHERE nameSkeleton = ?",
	                     .params = "s",
	                     .cols = "iss" },
	[ST_INSERT] = { .sql = "INSERT INTO users (userName, nameSkeleton, createdAt) VALUES (?, "
	                       "?, "
	                       "UTC_TIMESTAMP())",
	                .params = "ss" },
	[ST_COUNT_INC] = { .sql = "UPDATE user_count SET users = users + 1 WHERE id = 1" },
	[ST_RENAME] = { .sql = "UPDATE users SET userName = ?, nameSkeleton = ? WHERE id = ?",
	                .params = "ssi" },
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

/* The page statements, [order][prefix][after]; a prefix comes only with a name order. */
static const struct db_stmt page_sql[4][2][2] = {
	[ORDER_ID][0][0] = { .sql = PAGE_SQL(TOTAL_ALL, "", BY_ID),
	                     .params = "ii",
	                     .cols = PAGE_COLS_SHAPE },
	[ORDER_ID][0][1] = { .sql = PAGE_SQL(TOTAL_ALL, "WHERE " AFTER_ID, BY_ID),
	                     .params = "iii",
	                     .cols = PAGE_COLS_SHAPE },
	[ORDER_ID_DESC][0][0] = { .sql = PAGE_SQL(TOTAL_ALL, "", BY_ID_DESC),
	                          .params = "ii",
	                          .cols = PAGE_COLS_SHAPE },
	[ORDER_ID_DESC][0][1] = { .sql = PAGE_SQL(TOTAL_ALL, "WHERE " AFTER_ID_DESC, BY_ID_DESC),
	                          .params = "iii",
	                          .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME][0][0] = { .sql = PAGE_SQL(TOTAL_ALL, "", BY_NAME),
	                       .params = "ii",
	                       .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME][0][1] = { .sql = PAGE_SQL(TOTAL_ALL, "WHERE " AFTER_NAME, BY_NAME),
	                       .params = "ssiii",
	                       .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME_DESC][0][0] = { .sql = PAGE_SQL(TOTAL_ALL, "", BY_NAME_DESC),
	                            .params = "ii",
	                            .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME_DESC][0][1] = { .sql = PAGE_SQL(TOTAL_ALL, "WHERE " AFTER_NAME_DESC,
	                                            BY_NAME_DESC),
	                            .params = "ssiii",
	                            .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME][1][0] = { .sql = PAGE_SQL(TOTAL_PAGE, "WHERE " PREFIX_MATCH, BY_NAME),
	                       .params = "sii",
	                       .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME][1][1] = { .sql = PAGE_SQL(TOTAL_PAGE, "WHERE " PREFIX_MATCH " AND " AFTER_NAME,
	                                       BY_NAME),
	                       .params = "sssiii",
	                       .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME_DESC][1][0] = { .sql = PAGE_SQL(TOTAL_PAGE, "WHERE " PREFIX_MATCH,
	                                            BY_NAME_DESC),
	                            .params = "sii",
	                            .cols = PAGE_COLS_SHAPE },
	[ORDER_NAME_DESC][1][1] = { .sql = PAGE_SQL(TOTAL_PAGE,
	                                            "WHERE " PREFIX_MATCH " AND " AFTER_NAME_DESC,
	                                            BY_NAME_DESC),
	                            .params = "sssiii",
	                            .cols = PAGE_COLS_SHAPE },
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

enum db_status users_compat_each(struct db *db, db_row_fn fn, void *arg)
{
	return db_query(db, &users_sql[ST_COMPAT_LIST], NULL, fn, arg);
}

static int take_count(const struct db_row *row, void *arg)
{
	*(long long *)arg = row->col[0].i;
	return 0;
}

/* The rows of a page statement: total on each, a user unless the page is empty. */
struct page_arg {
	const struct users_list_query *q;
	struct users_list_result *res;
	int (*fn)(const struct user *u, void *arg);
	void *arg;
	long long rows;
	int stop, bad;
};

static int take_page_row(const struct db_row *row, void *arg)
{
	struct page_arg *a = arg;
	a->res->total = row->col[0].i;
	if (a->stop)
		return 0;
	if (++a->rows > a->q->limit) {
		a->res->has_next = 1; /* the extra row: there is more */
		return 0;
	}
	struct user u;
	const struct db_col *key = &row->col[4];
	if (user_from_row(&(struct db_row){ .ncols = 3,
	                                    .col = { row->col[1], row->col[2], row->col[3] } },
	                  &u) != 0 ||
	    key->len > CURSOR_KEY_MAX) {
		a->bad = 1;
		return 1;
	}
	struct cursor *c = &a->res->next;
	c->order = a->q->order;
	c->id = u.id;
	c->key_len = c->order == ORDER_NAME || c->order == ORDER_NAME_DESC ? key->len : 0;
	memcpy(c->key, key->s, c->key_len);
	c->key[c->key_len] = '\0';
	a->stop = a->fn(&u, a->arg) != 0;
	return 0;
}

enum db_status users_list(struct db *db, const struct users_list_query *q,
                          int (*fn)(const struct user *u, void *arg), void *arg,
                          struct users_list_result *res)
{
	memset(res, 0, sizeof *res);
	res->exact = 1;
	int by_prefix = q->prefix && *q->prefix;
	int by_name = q->order == ORDER_NAME || q->order == ORDER_NAME_DESC;
	const struct cursor *after = q->after;
	if ((unsigned)q->order > ORDER_NAME_DESC || (by_prefix && !by_name) ||
	    (after && after->order != q->order))
		return DB_ERROR; /* the handler refuses these first */
	const struct db_stmt *stmt = &page_sql[q->order][by_prefix][after != NULL];
	char pat[2 * USER_NAME_MAX_BYTES + 1] = "";
	size_t patlen = 0;
	if (by_prefix) {
		size_t n = strlen(q->prefix);
		if (n > USER_NAME_MAX_BYTES)
			return DB_ERROR;
		for (size_t i = 0; i < n; i++) {
			if (q->prefix[i] == '%' || q->prefix[i] == '_' || q->prefix[i] == '!')
				pat[patlen++] = '!';
			pat[patlen++] = q->prefix[i];
		}
		pat[patlen] = '\0';
	}
	long long bound = q->offset + q->limit + 1;
	if (bound < PREFIX_COUNT_BOUND)
		bound = PREFIX_COUNT_BOUND;
	/* The parameters in the order the statement names them. */
	struct db_param p[8];
	unsigned n = 0;
	if (by_prefix)
		p[n++] = (struct db_param)DB_TEXT(pat, patlen);
	if (after && by_name) {
		p[n++] = (struct db_param)DB_TEXT(after->key, after->key_len);
		p[n++] = (struct db_param)DB_TEXT(after->key, after->key_len);
	}
	if (after)
		p[n++] = (struct db_param)DB_INT(after->id);
	p[n++] = (struct db_param)DB_INT(q->limit + 1);
	p[n++] = (struct db_param)DB_INT(after ? 0 : q->offset);
	struct page_arg a = { .q = q, .res = res, .fn = fn, .arg = arg };
	enum db_status st = db_query(db, stmt, p, take_page_row, &a);
	if (st == DB_OK && by_prefix) {
		/* A page by offset that is not full ends the matches: offset + its rows is
		 * the total (when it has rows, or is the first). Else count them. */
		if (!after && a.rows <= q->limit && (a.rows > 0 || q->offset == 0)) {
			res->total = q->offset + a.rows;
		} else {
			const struct db_param cp[] = { DB_INT(bound), DB_TEXT(pat, patlen),
				                       DB_INT(bound - 1), DB_TEXT(pat, patlen) };
			st = db_query(db, &users_sql[ST_COUNT_PREFIX], cp, take_count, &res->total);
		}
		res->exact = res->total < bound;
	} else if (st == DB_OK && a.rows == 0) {
		/* Past the end of the list: no row carried the total. */
		st = db_query(db, &users_sql[ST_COUNT_ALL], NULL, take_count, &res->total);
	}
	return st == DB_OK && a.bad ? DB_ERROR : st;
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

/* The user's name as stored, into name (capacity USER_NAME_MAX_BYTES + 1). */
static int take_name(const struct db_row *row, void *arg)
{
	size_t n = row->col[0].len <= USER_NAME_MAX_BYTES ? row->col[0].len : USER_NAME_MAX_BYTES;
	memcpy(arg, row->col[0].s, n);
	((char *)arg)[n] = '\0';
	return 0;
}

/* Begin a write's transaction and spend its form nonce first: a form sent again stops
 * here, before it meets what its first send did (its name now taken, its user gone),
 * so it is told "already sent" and not "taken" or "no such user". */
static enum db_status begin_write(struct db *db, const struct form_nonce *nonce)
{
	enum db_status st = db_begin(db);
	if (st != DB_OK)
		return st;
	st = form_nonce_spend(db, nonce, time(NULL));
	if (st != DB_OK)
		db_rollback(db);
	return st;
}

/* Begin the transaction of a change to user id, its row locked and its name as stored
 * in old ("" and no transaction left open when there is no such user). */
static enum db_status begin_on_user(struct db *db, const struct form_nonce *nonce, long long id,
                                    char old[USER_NAME_MAX_BYTES + 1])
{
	old[0] = '\0';
	enum db_status st = begin_write(db, nonce);
	if (st != DB_OK)
		return st;
	const struct db_param who[] = { DB_INT(id) };
	st = db_query(db, &users_sql[ST_LOCK_NAME], who, take_name, old);
	if (st != DB_OK || !old[0])
		db_rollback(db);
	return st;
}

/* The end of a write's transaction: its audit row, then commit; or roll back (the
 * form nonce with the rest). After a commit that spent a nonce, a few expired ones go. */
static enum db_status finish(struct db *db, enum db_status st, const struct audit_actor *actor,
                             const struct form_nonce *nonce, const struct audit_entry *entry)
{
	if (st == DB_OK)
		st = audit_record(db, actor, entry);
	if (st != DB_OK) {
		db_rollback(db);
		return st;
	}
	st = db_commit(db);
	if (st == DB_OK && nonce && nonce->hex[0])
		form_nonce_purge(db); /* housekeeping: its failure is not the write's */
	return st;
}

/* The name as stored and its skeleton (name_rules.h). The handlers pass names that
 * passed the rule; applying it again here means no path can store a refused name. */
static enum db_status canonical(const char *name, size_t len, struct user_name *u)
{
	enum name_problem p = name_rules_apply(name, len, u);
	if (p == NAME_OK)
		return DB_OK;
	log_kv(LOG_ERROR, "a name that the rule refuses reached the database layer", "why",
	       name_problem_message(p), NULL);
	return DB_ERROR;
}

enum db_status users_create(struct db *db, const struct audit_actor *actor,
                            const struct form_nonce *nonce, const char *name, size_t len,
                            long long *id)
{
	*id = 0;
	struct user_name u;
	enum db_status st = canonical(name, len, &u);
	if (st == DB_OK)
		st = begin_write(db, nonce);
	if (st != DB_OK)
		return st;
	const struct db_param p[] = { DB_TEXT(u.text, u.len), DB_TEXT(u.skeleton, u.skeleton_len) };
	st = db_exec(db, &users_sql[ST_INSERT], p, NULL);
	if (st == DB_OK) {
		*id = (long long)db->insert_id;
		st = db_exec(db, &users_sql[ST_COUNT_INC], NULL, NULL);
	}
	const struct audit_entry entry = { .action = AUDIT_USER_CREATE,
		                           .user_id = *id,
		                           .new_name = u.text };
	st = finish(db, st, actor, nonce, &entry);
	if (st != DB_OK)
		*id = 0;
	return st;
}

enum db_status users_rename(struct db *db, const struct audit_actor *actor,
                            const struct form_nonce *nonce, long long id, const char *name,
                            size_t len, int *found)
{
	*found = 0;
	struct user_name u;
	char old[USER_NAME_MAX_BYTES + 1] = "";
	enum db_status st = canonical(name, len, &u);
	if (st == DB_OK)
		st = begin_on_user(db, nonce, id, old);
	if (st != DB_OK || !old[0])
		return st;
	const struct db_param p[] = { DB_TEXT(u.text, u.len), DB_TEXT(u.skeleton, u.skeleton_len),
		                      DB_INT(id) };
	st = db_exec(db, &users_sql[ST_RENAME], p, NULL);
	const struct audit_entry entry = {
		.action = AUDIT_USER_RENAME, .user_id = id, .old_name = old, .new_name = u.text
	};
	st = finish(db, st, actor, nonce, &entry);
	*found = st == DB_OK;
	return st;
}

enum db_status users_delete(struct db *db, const struct audit_actor *actor,
                            const struct form_nonce *nonce, long long id, int *found)
{
	*found = 0;
	char old[USER_NAME_MAX_BYTES + 1] = "";
	enum db_status st = begin_on_user(db, nonce, id, old);
	if (st != DB_OK || !old[0])
		return st;
	const struct db_param who[] = { DB_INT(id) };
	st = db_exec(db, &users_sql[ST_DELETE], who, NULL);
	if (st == DB_OK)
		st = db_exec(db, &users_sql[ST_COUNT_DEC], NULL, NULL);
	const struct audit_entry entry = { .action = AUDIT_USER_DELETE,
		                           .user_id = id,
		                           .old_name = old };
	st = finish(db, st, actor, nonce, &entry);
	*found = st == DB_OK;
	return st;
}

enum db_status users_holder(struct db *db, const char *name, size_t len, struct user *u,
                            enum users_clash *clash)
{
	struct user_name n;
	enum db_status st = canonical(name, len, &n);
	*clash = USERS_CLASH_NONE;
	if (st != DB_OK)
		return st;
	const struct db_param same[] = { DB_TEXT(n.text, n.len) };
	struct get_arg g = { .u = u };
	st = db_query(db, &users_sql[ST_BY_NAME_KEY], same, take_user, &g);
	if (st == DB_OK && g.found && !g.bad) {
		*clash = USERS_CLASH_SAME;
		return DB_OK;
	}
	const struct db_param alike[] = { DB_TEXT(n.skeleton, n.skeleton_len) };
	g = (struct get_arg){ .u = u };
	if (st == DB_OK)
		st = db_query(db, &users_sql[ST_BY_SKELETON], alike, take_user, &g);
	if (st == DB_OK && g.found && !g.bad)
		*clash = USERS_CLASH_LOOKALIKE;
	return st == DB_OK && g.bad ? DB_ERROR : st;
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
