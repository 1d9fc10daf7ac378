/*
 * fuzz_urlencoded: query strings and form bodies. Properties: parsing never fails
 * except on a malformed escape; every decoded pair survives url_encode + url_decode
 * unchanged (the round trip the frontend relies on when it builds links).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "urlencoded.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const char *s, size_t len)
{
	if (strlen(s) != len)
		return; /* url_encode takes C strings: values with NUL are validators' business */
	char *enc = url_encode(s);
	if (!enc)
		abort();
	char *dec = NULL;
	size_t declen = 0;
	if (url_decode(enc, strlen(enc), 1, &dec, &declen) != 0 || declen != len ||
	    memcmp(dec, s, len) != 0)
		abort();
	free(enc);
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct params p = { 0 };
	if (urlencoded_parse((const char *)data, size, &p) == 0) {
		for (size_t i = 0; i < p.n; i++) {
			roundtrip(p.v[i].name, strlen(p.v[i].name));
			roundtrip(p.v[i].value, p.v[i].len);
		}
		if (p.n && params_find(&p, p.v[0].name) != &p.v[0])
			abort(); /* the first value of a name is the one that counts */
	}
	params_free(&p);
	return 0;
}
