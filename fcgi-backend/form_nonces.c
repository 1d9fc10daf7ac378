/*
 * form_nonces: see form_nonces.h. INSERT IGNORE says "already spent" by the rows it
 * inserted (0) rather than by an error: a duplicate primary key is what db.c reads as
 * an exhausted AUTO_INCREMENT (DB_FULL), and the insert takes the same locks either
 * way. The nonce travels as hex and UNHEX() makes the BINARY(16): no raw bytes are
 * bound as text in a utf8mb4 connection.
 */
#include "form_nonces.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum { ST_SPEND, ST_PURGE, ST__MAX };
static const struct db_stmt form_nonces_sql[ST__MAX] = {
	[ST_SPEND] = { .sql = "INSERT IGNORE INTO form_nonces (nonce, expiresAt) VALUES (UNHEX(?), "
	                      "UTC_TIMESTAMP() + INTERVAL ? SECOND)",
	               .params = "si" },
	[ST_PURGE] = { .sql = "DELETE FROM form_nonces WHERE expiresAt < UTC_TIMESTAMP() ORDER BY "
	                      "expiresAt LIMIT " FORM_NONCE_PURGE_BATCH_TEXT },
};

int form_nonce_parse(const char *value, struct form_nonce *out)
{
	out->hex[0] = '\0';
	out->expiry = 0;
	if (!value)
		return 0;
	size_t hex = strspn(value, "0123456789abcdef");
	if (hex != FORM_NONCE_HEX_LEN || value[hex] != '.')
		return -1;
	const char *when = value + hex + 1;
	size_t digits = strspn(when, "0123456789");
	if (digits == 0 || digits > 19 || when[digits] != '\0')
		return -1;
	errno = 0;
	long long expiry = strtoll(when, NULL, 10);
	if (errno)
		return -1;
	memcpy(out->hex, value, FORM_NONCE_HEX_LEN);
	out->hex[FORM_NONCE_HEX_LEN] = '\0';
	out->expiry = expiry;
	return 0;
}

enum db_status form_nonce_spend(struct db *db, const struct form_nonce *n, time_t now)
{
	if (!n || !n->hex[0])
		return DB_OK;
	/* Kept until the token's own expiry and a little more, never longer than a day
	 * whatever the header says; an expiry already past (the clocks differ) still
	 * keeps the row FORM_NONCE_SKEW seconds. */
	long long keep = n->expiry - (long long)now;
	if (keep < 0)
		keep = 0;
	if (keep > FORM_NONCE_KEEP_MAX)
		keep = FORM_NONCE_KEEP_MAX;
	keep += FORM_NONCE_SKEW;
	const struct db_param p[] = { DB_TEXT(n->hex, FORM_NONCE_HEX_LEN), DB_INT(keep) };
	unsigned long long inserted = 0;
	enum db_status st = db_exec(db, &form_nonces_sql[ST_SPEND], p, &inserted);
	if (st == DB_OK && inserted == 0)
		return DB_SPENT;
	return st;
}

enum db_status form_nonce_purge(struct db *db)
{
	enum db_status st = db_exec(db, &form_nonces_sql[ST_PURGE], NULL, NULL);
	if (st != DB_OK)
		log_kv(LOG_WARN, "expired form nonces not purged", "error", db->last_error, NULL);
	return st;
}
