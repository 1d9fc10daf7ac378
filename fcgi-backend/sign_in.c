/*
 * sign_in: see sign_in.h. The steps for a password, in an order that keeps the time
 * of a refusal independent of whether the name exists: back-off check (no hashing
 * while waiting), editor lookup, one argon2id verification (the editor's hash or the
 * dummy), then either the failure recorded or the session made.
 */
#include "sign_in.h"

#include <string.h>
#include <time.h>

#include "audit.h"
#include "credentials.h"
#include "editors.h"
#include "password.h"

/* After a day without failures a name starts again from zero. */
#define FAILURES_FORGOTTEN "INTERVAL 1 DAY"

enum { ST_THROTTLE, ST_FAILURE, ST_CLEAR, ST_PURGE, ST_REHASH, ST__MAX };
static const struct db_stmt sign_in_sql[ST__MAX] = {
	[ST_THROTTLE] = { .sql = "SELECT IF(lastFailureAt < UTC_TIMESTAMP() - " FAILURES_FORGOTTEN
	                         ", 0, failures), GREATEST(0, TIMESTAMPDIFF(SECOND, "
	                         "UTC_TIMESTAMP(), notBefore)) FROM sign_in_failures WHERE nameKey "
	                         "= LOWER(?)",
	                  .params = "s",
	                  .cols = "ii" },
	/* failures is assigned first, so it reads the old lastFailureAt. */
	[ST_FAILURE] = { .sql = "INSERT INTO sign_in_failures (nameKey, failures, lastFailureAt, "
	                        "notBefore) VALUES (LOWER(?), 1, UTC_TIMESTAMP(), UTC_TIMESTAMP() "
	                        "+ "
	                        "INTERVAL ? SECOND) ON DUPLICATE KEY UPDATE failures = "
	                        "IF(lastFailureAt < UTC_TIMESTAMP() - " FAILURES_FORGOTTEN
	                        ", 1, failures + 1), lastFailureAt = UTC_TIMESTAMP(), notBefore = "
	                        "UTC_TIMESTAMP() + INTERVAL ? SECOND",
	                 .params = "sii" },
	[ST_CLEAR] = { .sql = "DELETE FROM sign_in_failures WHERE nameKey = LOWER(?)",
	               .params = "s" },
	[ST_PURGE] = { .sql = "DELETE FROM sign_in_failures WHERE lastFailureAt < UTC_TIMESTAMP() "
	                      "- " FAILURES_FORGOTTEN " LIMIT 20" },
	/* Only if nobody changed the password meanwhile; other sessions stay. */
	[ST_REHASH] = { .sql = "UPDATE editors SET passwordHash = ? WHERE id = ? AND passwordHash "
	                       "= ?",
	                .params = "sis" },
};

long sign_in_delay(long failures)
{
	if (failures <= SIGN_IN_FREE_FAILURES)
		return 0;
	long n = failures - SIGN_IN_FREE_FAILURES;
	if (n >= 10)
		return SIGN_IN_MAX_DELAY; /* 2^10 is past the cap already */
	long d = 1L << n;
	return d < SIGN_IN_MAX_DELAY ? d : SIGN_IN_MAX_DELAY;
}

struct throttle {
	long long failures, wait;
};

static int take_throttle(const struct db_row *row, void *arg)
{
	struct throttle *t = arg;
	t->failures = row->col[0].i;
	t->wait = row->col[1].i;
	return 0;
}

static void failed(struct sign_in_result *out, enum db_status st)
{
	out->status = SIGN_IN_FAILED;
	out->db = st;
}

/* Make the session for editor e and record it. */
static void open_session(struct db *db, const struct sign_in_request *req, const struct editor *e,
                         struct sign_in_result *out)
{
	long long session_id = 0;
	/* With a form nonce, the session and the spent nonce are one transaction: the
	 * same sign-in form sent again makes no second session. */
	int spends = req->nonce && req->nonce->hex[0];
	enum db_status st = spends ? db_begin(db) : DB_OK;
	if (st == DB_OK && spends)
		st = form_nonce_spend(db, req->nonce, time(NULL));
	if (st == DB_OK)
		st = sessions_create(db, e->id, req->session_ttl, out->token, out->expires,
		                     &session_id);
	if (spends && st == DB_OK)
		st = db_commit(db);
	else if (spends)
		db_rollback(db);
	if (st == DB_SPENT) {
		out->status = SIGN_IN_REPLAYED;
		return;
	}
	if (st != DB_OK) {
		explicit_bzero(out->token, sizeof out->token);
		failed(out, st);
		return;
	}
	if (spends)
		form_nonce_purge(db); /* housekeeping: its failure is not the sign-in's */
	out->who.kind = PRINCIPAL_EDITOR;
	out->who.id = e->id;
	out->who.session_id = session_id;
	memcpy(out->who.name, e->name, sizeof out->who.name);
	/* Bookkeeping after the session exists: a failure here does not undo a sign-in. */
	editors_signed_in(db, e->id);
	const struct audit_actor actor = { &out->who, req->request_id };
	const struct audit_entry entry = { .action = AUDIT_SIGN_IN };
	audit_record(db, &actor, &entry);
	out->status = SIGN_IN_OK;
}

void sign_in_password(struct db *db, const struct sign_in_request *req, const char *name,
                      const char *password, size_t len, struct sign_in_result *out)
{
	memset(out, 0, sizeof *out);
	const struct db_param key[] = { DB_TEXT(name, strlen(name)) };
	struct throttle t = { 0, 0 };
	enum db_status st = db_query(db, &sign_in_sql[ST_THROTTLE], key, take_throttle, &t);
	if (st != DB_OK) {
		failed(out, st);
		return;
	}
	if (t.wait > 0) {
		out->status = SIGN_IN_THROTTLED;
		out->retry_after = (long)t.wait;
		return;
	}
	struct editor e;
	int found = 0;
	st = editors_find(db, name, &e, &found);
	if (st != DB_OK) {
		failed(out, st);
		return;
	}
	const char *hash = found && e.password_hash[0] ? e.password_hash : password_dummy_hash();
	if (!hash) {
		failed(out, DB_ERROR);
		return;
	}
	enum password_result pr = password_verify(hash, password, len);
	int ok = found && !e.disabled && e.password_hash[0] && pr == PASSWORD_MATCH;
	if (!ok) {
		long delay = sign_in_delay((long)t.failures + 1);
		const struct db_param p[] = { DB_TEXT(name, strlen(name)), DB_INT(sign_in_delay(1)),
			                      DB_INT(delay) };
		st = db_exec(db, &sign_in_sql[ST_FAILURE], p, NULL);
		if (st != DB_OK) {
			failed(out, st);
			return;
		}
		db_exec(db, &sign_in_sql[ST_PURGE], NULL, NULL);
		out->status = SIGN_IN_REFUSED;
		return;
	}
	if (t.failures > 0)
		db_exec(db, &sign_in_sql[ST_CLEAR], key, NULL);
	if (password_needs_rehash(e.password_hash, &password_default_params)) {
		char fresh[PASSWORD_ENCODED_MAX];
		if (password_hash(&password_default_params, password, len, fresh) == 0) {
			const struct db_param p[] = { DB_TEXT(fresh, strlen(fresh)), DB_INT(e.id),
				                      DB_TEXT(e.password_hash,
				                              strlen(e.password_hash)) };
			db_exec(db, &sign_in_sql[ST_REHASH], p, NULL);
		}
	}
	open_session(db, req, &e, out);
}

void sign_in_sso(struct db *db, const struct sign_in_request *req, const char *name,
                 struct sign_in_result *out)
{
	memset(out, 0, sizeof *out);
	struct editor e;
	int found = 0;
	enum db_status st = editors_find(db, name, &e, &found);
	if (st != DB_OK) {
		failed(out, st);
		return;
	}
	if (!found || e.disabled) {
		out->status = SIGN_IN_REFUSED;
		return;
	}
	open_session(db, req, &e, out);
}
