/*
 * password: see password.h. libargon2 does the hashing, the encoding and the
 * constant-time comparison; OpenSSL's RAND_bytes gives the salt. The only parsing
 * here is of the parameter block of a PHC string, to bound the work a stored hash can
 * ask for and to tell when a hash is due for new parameters.
 */
#include "password.h"

#include <argon2.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

const struct password_params password_default_params = {
	.iterations = 2,
	.memory_kib = 19456,
	.lanes = 1,
};

/* The most a stored hash may ask for: far above anything this module makes. */
#define MAX_MEMORY_KIB (1024u * 1024u)
#define MAX_ITERATIONS 16u
#define MAX_LANES      16u

int password_hash(const struct password_params *p, const char *pw, size_t len,
                  char out[PASSWORD_ENCODED_MAX])
{
	unsigned char salt[PASSWORD_SALT_LEN];
	out[0] = '\0';
	if (len > PASSWORD_MAX_LEN || RAND_bytes(salt, (int)sizeof salt) != 1)
		return -1;
	size_t need = argon2_encodedlen(p->iterations, p->memory_kib, p->lanes, sizeof salt,
	                                PASSWORD_TAG_LEN, Argon2_id);
	if (need > PASSWORD_ENCODED_MAX)
		return -1;
	int rc = argon2id_hash_encoded(p->iterations, p->memory_kib, p->lanes, pw, len, salt,
	                               sizeof salt, PASSWORD_TAG_LEN, out, PASSWORD_ENCODED_MAX);
	if (rc != ARGON2_OK) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* The parameters of an argon2id PHC string. Returns 0, or -1 when it is not one. */
static int parse_params(const char *encoded, struct password_params *p)
{
	unsigned version = 0, m = 0, t = 0, lanes = 0;
	int end = 0;
	if (sscanf(encoded, "$argon2id$v=%u$m=%u,t=%u,p=%u$%n", &version, &m, &t, &lanes, &end) !=
	            4 ||
	    end == 0 || version != ARGON2_VERSION_13)
		return -1;
	p->memory_kib = m;
	p->iterations = t;
	p->lanes = lanes;
	return 0;
}

enum password_result password_verify(const char *encoded, const char *pw, size_t len)
{
	struct password_params p;
	if (!encoded || parse_params(encoded, &p) != 0 || p.memory_kib > MAX_MEMORY_KIB ||
	    p.iterations > MAX_ITERATIONS || p.lanes > MAX_LANES)
		return PASSWORD_BAD_HASH;
	if (len > PASSWORD_MAX_LEN)
		return PASSWORD_MISMATCH;
	int rc = argon2id_verify(encoded, pw, len);
	if (rc == ARGON2_OK)
		return PASSWORD_MATCH;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return PASSWORD_MISMATCH;
	return PASSWORD_BAD_HASH;
}

int password_needs_rehash(const char *encoded, const struct password_params *p)
{
	struct password_params have;
	if (!encoded || parse_params(encoded, &have) != 0)
		return 1;
	return have.iterations != p->iterations || have.memory_kib != p->memory_kib ||
	       have.lanes != p->lanes;
}

const char *password_dummy_hash(void)
{
	static char dummy[PASSWORD_ENCODED_MAX];
	if (!dummy[0]) {
		unsigned char secret[32];
		if (RAND_bytes(secret, (int)sizeof secret) != 1 ||
		    password_hash(&password_default_params, (const char *)secret, sizeof secret,
		                  dummy) != 0)
			return NULL;
	}
	return dummy;
}

int password_acceptable(const char *pw, size_t len, char *why, size_t whylen)
{
	long chars = utf8_count(pw, len);
	if (chars < 0) {
		snprintf(why, whylen, "the password is not valid UTF-8");
		return -1;
	}
	if (memchr(pw, '\0', len) || utf8_has_control(pw, len)) {
		snprintf(why, whylen, "the password contains a control character");
		return -1;
	}
	if (chars < PASSWORD_MIN_LEN) {
		snprintf(why, whylen, "the password must be at least %d characters",
		         PASSWORD_MIN_LEN);
		return -1;
	}
	if (len > PASSWORD_MAX_LEN) {
		snprintf(why, whylen, "the password must be at most %d bytes", PASSWORD_MAX_LEN);
		return -1;
	}
	return 0;
}
