/*
 * editors: SQL for the editors table. Ending an editor's sessions happens in the same
 * transaction as the change that calls for it, so there is no moment when a disabled
 * editor's session still works.
 */
#include "editors.h"

#include <stdio.h>
#include <string.h>

#define EDITOR_COLS                                                                                \
	"id, name, COALESCE(passwordHash, ''), disabledAt IS NOT NULL, "                           \
	"DATE_FORMAT(createdAt, '%Y-%m-%dT%H:%i:%sZ'), "                                           \
	"COALESCE(DATE_FORMAT(lastSignInAt, '%Y-%m-%dT%H:%i:%sZ'), '')"

enum {
	ST_FIND,
	ST_ADD,
	ST_SET_PASSWORD,
	ST_SET_DISABLED,
	ST_END_SESSIONS,
	ST_SIGNED_IN,
	ST_LIST,
	ST__MAX
};
static const struct db_stmt editors_sql[ST__MAX] = {
	[ST_FIND] = { .sql = "SELECT " EDITOR_COLS " FROM editors WHERE nameKey = LOWER(?)",
	              .params = "s",
	              .cols = "ississ" },
	[ST_ADD] = { .sql = "INSERT INTO editors (name, passwordHash, createdAt, "
	                    "passwordChangedAt) "
	                    "VALUES (?, NULLIF(?, ''), UTC_TIMESTAMP(), UTC_TIMESTAMP())",
	             .params = "ss" },
	[ST_SET_PASSWORD] = { .sql = "UPDATE editors SET passwordHash = ?, passwordChangedAt = "
	                             "UTC_TIMESTAMP() WHERE id = ?",
	                      .params = "si" },
	[ST_SET_DISABLED] = { .sql = "UPDATE editors SET disabledAt = IF(? = 1, UTC_TIMESTAMP(), "
	                             "NULL) WHERE id = ?",
	                      .params = "ii" },
	[ST_END_SESSIONS] = { .sql = "DELETE FROM sessions WHERE editorId = ?", .params = "i" },
	[ST_SIGNED_IN] = { .sql = "UPDATE editors SET lastSignInAt = UTC_TIMESTAMP() WHERE id = ?",
	                   .params = "i" },
	[ST_LIST] = { .sql = "SELECT " EDITOR_COLS " FROM editors ORDER BY nameKey",
	              .cols = "ississ" },
};

int editor_name_valid(const char *name, size_t len, char *why, size_t whylen)
{
	if (len == 0 || len > EDITOR_NAME_MAX) {
		snprintf(why, whylen, "must be 1 to %d characters", EDITOR_NAME_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		int alnum =
		        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (i == 0 && !alnum) {
			snprintf(why, whylen, "must start with a letter or a digit");
			return -1;
		}
		if (!alnum && (c == '\0' || !strchr("._@+-", c))) {
			snprintf(why, whylen, "may hold only letters, digits and . _ @ + -");
			return -1;
		}
	}
	return 0;
}

static void copy_col(char *dst, size_t cap, const struct db_col *c)
{
	size_t n = c->len < cap - 1 ? c->len : cap - 1;
	memcpy(dst, c->s ? c->s : "", n);
	dst[n] = '\0';
}

static void editor_from_row(const struct db_row *row, struct editor *e)
{
	memset(e, 0, sizeof *e);
	e->id = row->col[0].i;
	copy_col(e->name, sizeof e->name, &row->col[1]);
	copy_col(e->password_hash, sizeof e->password_hash, &row->col[2]);
	e->disabled = row->col[3].i != 0;
	copy_col(e->created, sizeof e->created, &row->col[4]);
	copy_col(e->last_sign_in, sizeof e->last_sign_in, &row->col[5]);
}

struct find_arg {
	struct editor *e;
	int found;
};

static int take_editor(const struct db_row *row, void *arg)
{
	struct find_arg *f = arg;
	editor_from_row(row, f->e);
	f->found = 1;
	return 0;
}

enum db_status editors_find(struct db *db, const char *name, struct editor *e, int *found)
{
	const struct db_param p[] = { DB_TEXT(name, strlen(name)) };
	struct find_arg f = { .e = e };
	enum db_status st = db_query(db, &editors_sql[ST_FIND], p, take_editor, &f);
	*found = st == DB_OK && f.found;
	return st;
}

enum db_status editors_add(struct db *db, const char *name, const char *hash, long long *id)
{
	const char *h = hash ? hash : "";
	const struct db_param p[] = { DB_TEXT(name, strlen(name)), DB_TEXT(h, strlen(h)) };
	enum db_status st = db_exec(db, &editors_sql[ST_ADD], p, NULL);
	*id = st == DB_OK ? (long long)db->insert_id : 0;
	return st;
}

/* Run change (with its parameters), and end the editor's sessions, in one transaction. */
static enum db_status change_ending_sessions(struct db *db, const struct db_stmt *change,
                                             const struct db_param *p, long long id)
{
	enum db_status st = db_begin(db);
	if (st != DB_OK)
		return st;
	const struct db_param who[] = { DB_INT(id) };
	st = db_exec(db, change, p, NULL);
	if (st == DB_OK)
		st = db_exec(db, &editors_sql[ST_END_SESSIONS], who, NULL);
	if (st == DB_OK)
		return db_commit(db);
	db_rollback(db);
	return st;
}

enum db_status editors_set_password(struct db *db, long long id, const char *hash)
{
	const struct db_param p[] = { DB_TEXT(hash, strlen(hash)), DB_INT(id) };
	return change_ending_sessions(db, &editors_sql[ST_SET_PASSWORD], p, id);
}

enum db_status editors_set_disabled(struct db *db, long long id, int disabled)
{
	const struct db_param p[] = { DB_INT(disabled ? 1 : 0), DB_INT(id) };
	if (!disabled)
		return db_exec(db, &editors_sql[ST_SET_DISABLED], p, NULL);
	return change_ending_sessions(db, &editors_sql[ST_SET_DISABLED], p, id);
}

enum db_status editors_signed_in(struct db *db, long long id)
{
	const struct db_param p[] = { DB_INT(id) };
	return db_exec(db, &editors_sql[ST_SIGNED_IN], p, NULL);
}

struct list_arg {
	void (*each)(const struct editor *e, void *arg);
	void *arg;
};

static int each_editor(const struct db_row *row, void *arg)
{
	struct list_arg *l = arg;
	struct editor e;
	editor_from_row(row, &e);
	l->each(&e, l->arg);
	return 0;
}

enum db_status editors_list(struct db *db, void (*each)(const struct editor *e, void *arg),
                            void *arg)
{
	struct list_arg l = { each, arg };
	return db_query(db, &editors_sql[ST_LIST], NULL, each_editor, &l);
}
