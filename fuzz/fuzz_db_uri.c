/*
 * fuzz_db_uri: DATABASE_URI, the one setting that carries a password. Properties: a
 * parse either fails with a reason or yields a host or a socket and a database; the
 * settings validator agrees with the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct db_uri u;
	char why[200] = "";
	int rc = db_uri_parse(s, &u, why, sizeof why);
	if (rc == 0) {
		if ((!u.host || !*u.host) && (!u.socket || !*u.socket))
			abort();
		if (!u.database)
			abort();
		db_uri_free(&u);
	} else if (!why[0]) {
		abort(); /* an error without a reason helps nobody */
	}
	/* The settings slot agrees with the parser. */
	struct db_uri u2;
	char why2[200];
	int rc2 = db_uri_set(NULL, s, &u2, why2, sizeof why2);
	if ((rc2 == 0) != (rc == 0))
		abort();
	if (rc2 == 0)
		db_uri_free(&u2);
	free(s);
	return 0;
}
