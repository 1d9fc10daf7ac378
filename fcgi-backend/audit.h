/*
 * audit: the append-only record of every change — who (the principal), when, what
 * (the action, the user's id and names before and after, or the editor or token it
 * concerned) and the request id that ties it to the access logs. A directory write
 * records its row in the same transaction as the write (users.c), so there is no
 * change without its row and no row for a change that was rolled back. The database
 * user may only INSERT and SELECT on the table.
 */
#ifndef BACKEND_AUDIT_H
#define BACKEND_AUDIT_H

#include <cjson/cJSON.h>

#include "db.h"
#include "principal.h"

/* The actions, as stored. */
#define AUDIT_USER_CREATE    "user.create"
#define AUDIT_USER_RENAME    "user.rename"
#define AUDIT_USER_DELETE    "user.delete"
#define AUDIT_SIGN_IN        "session.create"
#define AUDIT_SIGN_OUT       "session.delete"
#define AUDIT_EDITOR_ADD     "editor.add"
#define AUDIT_EDITOR_PASSWD  "editor.passwd"
#define AUDIT_EDITOR_DISABLE "editor.disable"
#define AUDIT_EDITOR_ENABLE  "editor.enable"
#define AUDIT_TOKEN_CREATE   "token.create"
#define AUDIT_TOKEN_REVOKE   "token.revoke"

#define AUDIT_LIMIT_MAX     100
#define AUDIT_LIMIT_DEFAULT "50"

/* Who acts, and the request it came with (request_id may be NULL or ""). */
struct audit_actor {
	const struct principal *who;
	const char *request_id;
};

/* One change. user_id 0, names and subject NULL when they do not apply. */
struct audit_entry {
	const char *action;
	long long user_id;
	const char *old_name, *new_name;
	const char *subject; /* the editor or token an editor.* / token.* action concerns */
};

enum db_status audit_record(struct db *db, const struct audit_actor *actor,
                            const struct audit_entry *e);

/*
 * Up to limit entries, newest first, to items as
 * {"id","at","actor":{"kind","name"},"action","userId","oldName","newName","subject",
 * "requestId"} (absent members are null): all of them, or those about user_id (> 0),
 * older than before (> 0: an id from an earlier page). *next gets the id to pass as
 * before for the next page, 0 when there is none.
 */
enum db_status audit_list(struct db *db, long long user_id, long long before, long long limit,
                          cJSON *items, long long *next);

#endif
