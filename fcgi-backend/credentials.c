/*
 * credentials: SQL for sessions and api_tokens. A token's hash is its only key; the
 * token itself never reaches the database, a log line or an error message.
 */
#include "credentials.h"

#include <stdio.h>
#include <string.h>

#define RFC3339(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"

enum {
	ST_SESSION_INSERT,
	ST_SESSION_EXPIRES,
	ST_SESSION_PURGE,
	ST_SESSION_DELETE,
	ST_SESSION_FIND,
	ST_SESSION_TOUCH,
	ST_TOKEN_INSERT,
	ST_TOKEN_DELETE,
	ST_TOKEN_FIND,
	ST_TOKEN_TOUCH,
	ST_TOKEN_LIST,
	ST__MAX
};
static const struct db_stmt credentials_sql[ST__MAX] = {
	[ST_SESSION_INSERT] = { .sql = "INSERT INTO sessions (tokenHash, editorId, createdAt, "
	                               "expiresAt, lastUsedAt) VALUES (?, ?, UTC_TIMESTAMP(), "
	                               "UTC_TIMESTAMP() + INTERVAL ? SECOND, UTC_TIMESTAMP())",
	                        .params = "sii" },
	[ST_SESSION_EXPIRES] = { .sql = "SELECT " RFC3339(
	                                 "expiresAt") " FROM sessions WHERE id = ?",
	                         .params = "i",
	                         .cols = "s" },
	/* A few at a time, at each sign-in: the table never grows past the live sessions
	 * by much, and no sign-in pays for a big clean-up. */
	[ST_SESSION_PURGE] = { .sql = "DELETE FROM sessions WHERE expiresAt < UTC_TIMESTAMP() "
	                              "LIMIT 20" },
	[ST_SESSION_DELETE] = { .sql = "DELETE FROM sessions WHERE id = ?", .params = "i" },
	[ST_SESSION_FIND] = { .sql = "SELECT s.id, e.id, e.name, s.lastUsedAt < UTC_TIMESTAMP() - "
	                             "INTERVAL 60 SECOND FROM sessions s JOIN editors e ON e.id = "
	                             "s.editorId WHERE s.tokenHash = ? AND s.expiresAt > "
	                             "UTC_TIMESTAMP() AND e.disabledAt IS NULL",
	                      .params = "s",
	                      .cols = "iisi" },
	[ST_SESSION_TOUCH] = { .sql = "UPDATE sessions SET lastUsedAt = UTC_TIMESTAMP() WHERE id = "
	                              "?",
	                       .params = "i" },
	[ST_TOKEN_INSERT] = { .sql = "INSERT INTO api_tokens (name, tokenHash, createdAt) VALUES "
	                             "(?, ?, UTC_TIMESTAMP())",
	                      .params = "ss" },
	[ST_TOKEN_DELETE] = { .sql = "DELETE FROM api_tokens WHERE name = ?", .params = "s" },
	[ST_TOKEN_FIND] = { .sql = "SELECT id, name, lastUsedAt IS NULL OR lastUsedAt < "
	                           "UTC_TIMESTAMP() - INTERVAL 60 SECOND FROM api_tokens WHERE "
	                           "tokenHash = ?",
	                    .params = "s",
	                    .cols = "isi" },
	[ST_TOKEN_TOUCH] = { .sql = "UPDATE api_tokens SET lastUsedAt = UTC_TIMESTAMP() WHERE id = "
	                            "?",
	                     .params = "i" },
	[ST_TOKEN_LIST] = { .sql = "SELECT name, " RFC3339("createdAt") ", COALESCE(" RFC3339(
	                            "lastUsedAt") ", '') FROM api_tokens ORDER BY name",
	                    .cols = "sss" },
};

static void copy_col(char *dst, size_t cap, const struct db_col *c)
{
	size_t n = c->len < cap - 1 ? c->len : cap - 1;
	memcpy(dst, c->s ? c->s : "", n);
	dst[n] = '\0';
}

static int take_text32(const struct db_row *row, void *arg)
{
	copy_col(arg, 32, &row->col[0]);
	return 0;
}

/* A new token of kind and its storage hash. */
static enum db_status new_token(enum token_kind kind, char token[TOKEN_LEN + 1],
                                char hash[TOKEN_HASH_HEX + 1])
{
	if (token_new(kind, token) != 0 || token_hash(token, TOKEN_LEN, hash) != 0)
		return DB_ERROR;
	return DB_OK;
}

enum db_status sessions_create(struct db *db, long long editor_id, long ttl,
                               char token[TOKEN_LEN + 1], char expires[32], long long *id)
{
	char hash[TOKEN_HASH_HEX + 1];
	expires[0] = '\0';
	*id = 0;
	enum db_status st = new_token(TOKEN_SESSION, token, hash);
	if (st != DB_OK)
		return st;
	const struct db_param p[] = { DB_TEXT(hash, TOKEN_HASH_HEX), DB_INT(editor_id),
		                      DB_INT(ttl) };
	st = db_exec(db, &credentials_sql[ST_SESSION_INSERT], p, NULL);
	if (st == DB_OK) {
		*id = (long long)db->insert_id;
		const struct db_param which[] = { DB_INT(*id) };
		st = db_query(db, &credentials_sql[ST_SESSION_EXPIRES], which, take_text32,
		              expires);
	}
	if (st == DB_OK) /* housekeeping: its failure is not the sign-in's */
		db_exec(db, &credentials_sql[ST_SESSION_PURGE], NULL, NULL);
	if (st != DB_OK)
		explicit_bzero(token, TOKEN_LEN + 1);
	return st;
}

enum db_status sessions_delete(struct db *db, long long session_id)
{
	const struct db_param p[] = { DB_INT(session_id) };
	return db_exec(db, &credentials_sql[ST_SESSION_DELETE], p, NULL);
}

struct find_arg {
	struct principal *p;
	int found, stale;
};

static int take_session(const struct db_row *row, void *arg)
{
	struct find_arg *f = arg;
	f->p->kind = PRINCIPAL_EDITOR;
	f->p->session_id = row->col[0].i;
	f->p->id = row->col[1].i;
	copy_col(f->p->name, sizeof f->p->name, &row->col[2]);
	f->stale = row->col[3].i != 0;
	f->found = 1;
	return 0;
}

static int take_token(const struct db_row *row, void *arg)
{
	struct find_arg *f = arg;
	f->p->kind = PRINCIPAL_TOKEN;
	f->p->id = row->col[0].i;
	copy_col(f->p->name, sizeof f->p->name, &row->col[1]);
	f->stale = row->col[2].i != 0;
	f->found = 1;
	return 0;
}

enum db_status credentials_lookup(struct db *db, const char *token, struct principal *p, int *found)
{
	memset(p, 0, sizeof *p);
	*found = 0;
	int kind = token_kind_of(token, strlen(token));
	char hash[TOKEN_HASH_HEX + 1];
	if (kind < 0 || token_hash(token, strlen(token), hash) != 0)
		return DB_OK;
	const struct db_param h[] = { DB_TEXT(hash, TOKEN_HASH_HEX) };
	struct find_arg f = { .p = p };
	enum db_status st;
	if (kind == TOKEN_SESSION)
		st = db_query(db, &credentials_sql[ST_SESSION_FIND], h, take_session, &f);
	else
		st = db_query(db, &credentials_sql[ST_TOKEN_FIND], h, take_token, &f);
	if (st != DB_OK || !f.found) {
		memset(p, 0, sizeof *p);
		return st;
	}
	*found = 1;
	if (f.stale) { /* last-used time: a failure to note it does not refuse the request */
		const struct db_param id[] = { DB_INT(kind == TOKEN_SESSION ? p->session_id
			                                                    : p->id) };
		db_exec(db,
		        &credentials_sql[kind == TOKEN_SESSION ? ST_SESSION_TOUCH : ST_TOKEN_TOUCH],
		        id, NULL);
	}
	return DB_OK;
}

enum db_status api_tokens_create(struct db *db, const char *name, char token[TOKEN_LEN + 1],
                                 long long *id)
{
	char hash[TOKEN_HASH_HEX + 1];
	*id = 0;
	enum db_status st = new_token(TOKEN_API, token, hash);
	if (st != DB_OK)
		return st;
	const struct db_param p[] = { DB_TEXT(name, strlen(name)), DB_TEXT(hash, TOKEN_HASH_HEX) };
	st = db_exec(db, &credentials_sql[ST_TOKEN_INSERT], p, NULL);
	if (st == DB_OK)
		*id = (long long)db->insert_id;
	else
		explicit_bzero(token, TOKEN_LEN + 1);
	return st;
}

enum db_status api_tokens_revoke(struct db *db, const char *name, int *found)
{
	const struct db_param p[] = { DB_TEXT(name, strlen(name)) };
	unsigned long long n = 0;
	enum db_status st = db_exec(db, &credentials_sql[ST_TOKEN_DELETE], p, &n);
	*found = st == DB_OK && n > 0;
	return st;
}

struct list_arg {
	void (*each)(const struct api_token_info *t, void *arg);
	void *arg;
};

static int each_token(const struct db_row *row, void *arg)
{
	struct list_arg *l = arg;
	struct api_token_info t;
	copy_col(t.name, sizeof t.name, &row->col[0]);
	copy_col(t.created, sizeof t.created, &row->col[1]);
	copy_col(t.last_used, sizeof t.last_used, &row->col[2]);
	l->each(&t, l->arg);
	return 0;
}

enum db_status api_tokens_list(struct db *db,
                               void (*each)(const struct api_token_info *t, void *arg), void *arg)
{
	struct list_arg l = { each, arg };
	return db_query(db, &credentials_sql[ST_TOKEN_LIST], NULL, each_token, &l);
}
