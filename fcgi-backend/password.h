/*
 * password: editors' password hashes — argon2id from Debian's libargon2 (the reference
 * implementation of RFC 9106), stored as the PHC string it encodes
 * ("$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH"), so each hash carries its own
 * parameters and old hashes keep verifying after the defaults change.
 *
 * The defaults are OWASP's Password Storage Cheat Sheet minimum for argon2id (19 MiB,
 * 2 passes, 1 lane) with RFC 9106's 128-bit salt and 256-bit tag: about 40 ms on one
 * core here, and 19 MiB per concurrent sign-in, which a backend pod's memory limit
 * holds. RFC 9106's "second recommended option" (64 MiB, t=3, p=4) is for machines
 * with memory to spare; docs/security.md says how to choose.
 */
#ifndef BACKEND_PASSWORD_H
#define BACKEND_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define PASSWORD_SALT_LEN    16   /* bytes: RFC 9106 §3.1 recommends 128 bits */
#define PASSWORD_TAG_LEN     32   /* bytes: RFC 9106 §4 */
#define PASSWORD_MIN_LEN     12   /* characters an editor's password needs at least */
#define PASSWORD_MAX_LEN     1024 /* bytes: longer is refused (hashing is linear in it) */
#define PASSWORD_ENCODED_MAX 160  /* bytes of a PHC string, NUL included */

struct password_params {
	uint32_t iterations; /* t */
	uint32_t memory_kib; /* m */
	uint32_t lanes;      /* p */
};

/* t=2, m=19456 KiB, p=1 (OWASP). */
extern const struct password_params password_default_params;

/*
 * Hash pw (len bytes) with a fresh random salt into out as a PHC string. Returns 0, or
 * -1 when len is over PASSWORD_MAX_LEN, the parameters are refused, the random source
 * fails or memory runs out.
 */
int password_hash(const struct password_params *p, const char *pw, size_t len,
                  char out[PASSWORD_ENCODED_MAX]);

enum password_result {
	PASSWORD_MATCH,
	PASSWORD_MISMATCH,
	PASSWORD_BAD_HASH, /* not an argon2id PHC string this module accepts */
};

/*
 * Check pw against a stored PHC string (compared in constant time by libargon2). A
 * hash whose parameters are beyond what this module would ever make (more than 1 GiB
 * or 16 passes or 16 lanes) is PASSWORD_BAD_HASH rather than hours of work.
 */
enum password_result password_verify(const char *encoded, const char *pw, size_t len);

/* 1 when encoded was made with other parameters than p (hash it again at the next
 * successful sign-in), 0 when it matches p. */
int password_needs_rehash(const char *encoded, const struct password_params *p);

/*
 * A hash of a random password with the default parameters, made once per process:
 * a sign-in for an unknown or disabled account verifies against it, so it takes as
 * long as one for a real account. NULL when it cannot be made.
 */
const char *password_dummy_hash(void);

/*
 * Whether pw is acceptable as a new editor password: PASSWORD_MIN_LEN to
 * PASSWORD_MAX_LEN, valid UTF-8 (the sign-in form and the JSON API carry text), no
 * control characters. Returns 0, or -1 with the reason in why.
 */
int password_acceptable(const char *pw, size_t len, char *why, size_t whylen);

#endif
