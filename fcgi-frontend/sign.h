/*
 * sign: HMAC-SHA256 (OpenSSL libcrypto) over short strings, as lowercase hex, and a
 * constant-time comparison. The CSRF tokens and the flash cookie are signed with it,
 * using SECRET_KEY.
 */
#ifndef FRONTEND_SIGN_H
#define FRONTEND_SIGN_H

#include <stddef.h>

#define SIGN_HEX_LEN 64 /* hex characters of one signature */

struct sign_key {
	unsigned char bytes[256];
	size_t len;
};

/* Set the key from a secret string; -1 when it is empty or longer than 256 bytes. */
int sign_key_set(struct sign_key *key, const char *secret);
/* out gets SIGN_HEX_LEN hex digits and a NUL. Returns 0, or -1 on a libcrypto error. */
int sign_hex(const struct sign_key *key, const char *msg, size_t len, char out[SIGN_HEX_LEN + 1]);
/* 1 when a and b (NUL-terminated) are equal; time depends only on the lengths. */
int sign_equal(const char *a, const char *b);
/* n random bytes as 2n hex digits (+ NUL) from OpenSSL's CSPRNG; 0, or -1. */
int sign_random_hex(char *out, size_t n);

#endif
