/*
 * form_nonces: what makes the frontend's form tokens one-use (fcgi-frontend/csrf.h).
 * A page that accepted a form sends the token's nonce and expiry with the one write
 * the form makes (FORM_NONCE_HEADER, users_contract.h); the write's transaction
 * records the nonce here first, so:
 *
 *   - the same nonce again finds its row and the write is refused (DB_SPENT → 409),
 *     however many workers or replicas the frontend and backend run: the row is in
 *     the one database they share;
 *   - two sends at once (a double click) meet on the row's primary key: the second
 *     waits for the first transaction, then sees the row (spent) or, when the first
 *     rolled back, spends it itself;
 *   - a write refused for its content (a name taken, a user gone) rolls back, and its
 *     nonce with it: the same form may be sent again once the name is fixed.
 *
 * A row is kept until its token's expiry (plus FORM_NONCE_SKEW for clocks that
 * disagree, at most FORM_NONCE_KEEP_MAX ahead whatever a client claims); after that
 * the frontend refuses the token itself, so the row is useless. Each spend deletes at
 * most FORM_NONCE_PURGE_BATCH expired rows, oldest first through the expiresAt index,
 * outside the write's transaction: the table stays the size of the forms sent in the
 * last half hour, and no write pays more than a few index deletes for it.
 */
#ifndef BACKEND_FORM_NONCES_H
#define BACKEND_FORM_NONCES_H

#include <time.h>

#include "db.h"
#include "users_contract.h"

#define FORM_NONCE_SKEW             300   /* seconds a row outlives its token */
#define FORM_NONCE_KEEP_MAX         86400 /* seconds ahead a row may be kept at most */
#define FORM_NONCE_PURGE_BATCH      20    /* expired rows deleted per spend, at most */
#define FORM_NONCE_PURGE_BATCH_TEXT "20"

struct form_nonce {
	char hex[FORM_NONCE_HEX_LEN + 1]; /* "" when the request carried none */
	long long expiry;                 /* the token's, a Unix time */
};

/* The FORM_NONCE_HEADER value ("NONCE.EXPIRY": 32 lowercase hex digits, 1 to 19
 * decimal digits) into out. NULL or absent: out->hex is "" (nothing to spend), 0. A
 * malformed value: -1 (the handler answers 400). */
int form_nonce_parse(const char *value, struct form_nonce *out);

/* Inside the write's open transaction: record n as spent. DB_OK (nothing to do when
 * n is NULL or empty); DB_SPENT when it was spent before; other statuses as db.h. */
enum db_status form_nonce_spend(struct db *db, const struct form_nonce *n, time_t now);

/* Delete up to FORM_NONCE_PURGE_BATCH expired rows (autocommit; after the write). */
enum db_status form_nonce_purge(struct db *db);

#endif
