/*
 * sign: see sign.h. One-shot HMAC() and CRYPTO_memcmp() from libcrypto; RAND_bytes
 * for per-browser random values.
 */
#include "sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>

#include "hex.h"

int sign_key_set(struct sign_key *key, const char *secret)
{
	size_t n = strlen(secret);
	if (n == 0 || n > sizeof key->bytes)
		return -1;
	memcpy(key->bytes, secret, n);
	key->len = n;
	return 0;
}

int sign_hex(const struct sign_key *key, const char *msg, size_t len, char out[SIGN_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!HMAC(EVP_sha256(), key->bytes, (int)key->len, (const unsigned char *)msg, len, md,
	          &mdlen) ||
	    mdlen != SIGN_HEX_LEN / 2) {
		out[0] = '\0';
		return -1;
	}
	hex_encode(md, mdlen, out);
	return 0;
}

int sign_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}

int sign_random_hex(char *out, size_t n)
{
	unsigned char buf[64];
	if (n > sizeof buf || RAND_bytes(buf, (int)n) != 1)
		return -1;
	hex_encode(buf, n, out);
	return 0;
}
