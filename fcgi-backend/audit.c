/*
 * audit: SQL for the audit table. Paging is by id (newest first, "before" the last id
 * seen), a range of the primary key or of (userId, id): a page costs its rows
 * whatever the table's size. One row more than asked is read to know whether a next
 * page exists.
 */
#include "audit.h"

#include <limits.h>
#include <string.h>

#define AUDIT_COLS                                                                                 \
	"id, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%fZ'), actorKind, actorName, action, userId, "     \
	"oldName, newName, subject, requestId"

enum { ST_INSERT, ST_PAGE, ST_PAGE_USER, ST__MAX };
static const struct db_stmt audit_sql[ST__MAX] = {
	[ST_INSERT] = { .sql = "INSERT INTO audit (at, actorKind, actorName, action, userId, "
	                       "oldName, newName, subject, requestId) VALUES (UTC_TIMESTAMP(3), ?, "
	                       "?, ?, NULLIF(?, 0), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), "
	                       "?)",
	                .params = "sssissss" },
	[ST_PAGE] = { .sql = "SELECT " AUDIT_COLS
	                     " FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
	              .params = "ii",
	              .cols = "issssissss" },
	[ST_PAGE_USER] = { .sql = "SELECT " AUDIT_COLS " FROM audit WHERE userId = ? AND id < ? "
	                          "ORDER BY id DESC LIMIT ?",
	                   .params = "iii",
	                   .cols = "issssissss" },
};

/* A text parameter that may be absent: "" (the statement stores NULL). */
static struct db_param text_or_null(const char *s)
{
	struct db_param p = { .s = s ? s : "", .len = s ? strlen(s) : 0 };
	return p;
}

enum db_status audit_record(struct db *db, const struct audit_actor *actor,
                            const struct audit_entry *e)
{
	const struct principal *who = actor->who;
	const char *kind = principal_kind_name(who->kind);
	const char *rid = actor->request_id ? actor->request_id : "";
	size_t rid_len = strnlen(rid, 64);
	const struct db_param p[] = {
		DB_TEXT(kind, strlen(kind)),
		DB_TEXT(who->name, strlen(who->name)),
		DB_TEXT(e->action, strlen(e->action)),
		DB_INT(e->user_id),
		text_or_null(e->old_name),
		text_or_null(e->new_name),
		text_or_null(e->subject),
		DB_TEXT(rid, rid_len),
	};
	return db_exec(db, &audit_sql[ST_INSERT], p, NULL);
}

struct page_arg {
	cJSON *items;
	long long limit, count, last_id;
	int more, failed;
};

static cJSON *text_or_json_null(const struct db_col *c)
{
	return c->is_null ? cJSON_CreateNull() : cJSON_CreateString(c->s);
}

static int add_entry(const struct db_row *row, void *arg)
{
	struct page_arg *a = arg;
	if (a->count == a->limit) {
		a->more = 1; /* the extra row: there is a next page */
		return 1;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *actor = cJSON_CreateObject();
	if (!o || !actor) {
		cJSON_Delete(o);
		cJSON_Delete(actor);
		a->failed = 1;
		return 1;
	}
	cJSON_AddNumberToObject(o, "id", (double)row->col[0].i);
	cJSON_AddStringToObject(o, "at", row->col[1].s);
	cJSON_AddStringToObject(actor, "kind", row->col[2].s);
	cJSON_AddStringToObject(actor, "name", row->col[3].s);
	cJSON_AddItemToObject(o, "actor", actor);
	cJSON_AddStringToObject(o, "action", row->col[4].s);
	if (row->col[5].is_null)
		cJSON_AddNullToObject(o, "userId");
	else
		cJSON_AddNumberToObject(o, "userId", (double)row->col[5].i);
	cJSON_AddItemToObject(o, "oldName", text_or_json_null(&row->col[6]));
	cJSON_AddItemToObject(o, "newName", text_or_json_null(&row->col[7]));
	cJSON_AddItemToObject(o, "subject", text_or_json_null(&row->col[8]));
	cJSON_AddStringToObject(o, "requestId", row->col[9].s);
	if (!cJSON_AddItemToArray(a->items, o)) {
		cJSON_Delete(o);
		a->failed = 1;
		return 1;
	}
	a->count++;
	a->last_id = row->col[0].i;
	return 0;
}

enum db_status audit_list(struct db *db, long long user_id, long long before, long long limit,
                          cJSON *items, long long *next)
{
	struct page_arg a = { .items = items, .limit = limit };
	long long below = before > 0 ? before : LLONG_MAX;
	enum db_status st;
	*next = 0;
	if (user_id > 0) {
		const struct db_param p[] = { DB_INT(user_id), DB_INT(below), DB_INT(limit + 1) };
		st = db_query(db, &audit_sql[ST_PAGE_USER], p, add_entry, &a);
	} else {
		const struct db_param p[] = { DB_INT(below), DB_INT(limit + 1) };
		st = db_query(db, &audit_sql[ST_PAGE], p, add_entry, &a);
	}
	if (st == DB_OK && a.failed)
		return DB_ERROR;
	if (st == DB_OK && a.more)
		*next = a.last_id;
	return st;
}
