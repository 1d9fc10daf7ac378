/*
 * db_uri: DATABASE_URI parsed into connection parameters. Accepts
 *   mysql://user:pass@host:port/db?ssl-mode=REQUIRED&ssl-ca=/path
 * and the old system's mysql+pymysql://… form; user and password are percent-decoded.
 * A unix socket is given as ?socket=/path (or unix_socket=, SQLAlchemy's name).
 * Query parameters: ssl-mode (DISABLED, PREFERRED, REQUIRED, VERIFY_CA,
 * VERIFY_IDENTITY), ssl-ca, socket, charset (utf8mb4 or utf8; ignored: always
 * utf8mb4). '_' may stand for '-' in names. Anything else is an error.
 */
#ifndef BACKEND_DB_URI_H
#define BACKEND_DB_URI_H

#include <stddef.h>

enum ssl_mode {
	SSL_MODE_DEFAULT,
	SSL_DISABLED,
	SSL_PREFERRED,
	SSL_REQUIRED,
	SSL_VERIFY_CA,
	SSL_VERIFY_IDENTITY
};

struct db_uri {
	char *user, *password, *host, *database, *socket, *ssl_ca;
	unsigned port; /* 0: default 3306 */
	enum ssl_mode ssl_mode;
};

/* Returns 0, or -1 with a reason in why. On success free with db_uri_free. */
int db_uri_parse(const char *uri, struct db_uri *out, char *why, size_t whylen);
void db_uri_free(struct db_uri *u);

/* The settings slot for DATABASE_URI: parses value into the struct db_uri at field.
 * The reason never repeats the URI (it may hold a password). */
struct setting;
int db_uri_set(const struct setting *s, const char *value, void *field, char *why, size_t whylen);
/* DATABASE_READ_URI's slot: the same, and empty leaves the struct zeroed (no replica). */
int db_read_uri_set(const struct setting *s, const char *value, void *field, char *why,
                    size_t whylen);

#endif
