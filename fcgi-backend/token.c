/*
 * token: see token.h. RAND_bytes for the secret, EVP_EncodeBlock (then the base64url
 * alphabet, RFC 4648 §5) for its text, EVP_Digest for SHA-256.
 */
#include "token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hex.h"

static const char *const prefixes[] = {
	[TOKEN_SESSION] = "fus_",
	[TOKEN_API] = "fut_",
};

int token_new(enum token_kind kind, char out[TOKEN_LEN + 1])
{
	unsigned char raw[TOKEN_RANDOM_LEN];
	unsigned char b64[4 * ((TOKEN_RANDOM_LEN + 2) / 3) + 1];
	out[0] = '\0';
	if (RAND_bytes(raw, (int)sizeof raw) != 1)
		return -1;
	if (EVP_EncodeBlock(b64, raw, (int)sizeof raw) != (int)sizeof b64 - 1)
		return -1;
	memcpy(out, prefixes[kind], TOKEN_PREFIX_LEN);
	for (size_t i = 0; i < TOKEN_B64_LEN; i++) {
		char c = (char)b64[i];
		out[TOKEN_PREFIX_LEN + i] = c == '+' ? '-' : c == '/' ? '_' : c;
	}
	out[TOKEN_LEN] = '\0';
	return 0;
}

static int is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

int token_kind_of(const char *s, size_t len)
{
	if (!s || len != TOKEN_LEN)
		return -1;
	for (size_t i = 0; i < TOKEN_B64_LEN; i++)
		if (!is_b64url(s[TOKEN_PREFIX_LEN + i]))
			return -1;
	/* 32 bytes use 256 of the 258 bits of 43 characters: the last character carries
	 * 4 bits and two zero bits, so only every fourth letter can end a real token. */
	static const char last[] = "AEIMQUYcgkosw048";
	if (!strchr(last, s[TOKEN_LEN - 1]))
		return -1;
	for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
		if (memcmp(s, prefixes[k], TOKEN_PREFIX_LEN) == 0)
			return (int)k;
	return -1;
}

int token_hash(const char *s, size_t len, char out[TOKEN_HASH_HEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	out[0] = '\0';
	if (EVP_Digest(s, len, md, &n, EVP_sha256(), NULL) != 1 || n != TOKEN_HASH_HEX / 2)
		return -1;
	hex_encode(md, n, out);
	return 0;
}

int token_from_authorization(const char *header, char out[TOKEN_LEN + 1])
{
	out[0] = '\0';
	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return -1;
	const char *t = header + 7;
	while (*t == ' ')
		t++;
	size_t n = strlen(t);
	while (n > 0 && t[n - 1] == ' ')
		n--;
	int kind = token_kind_of(t, n);
	if (kind < 0)
		return -1;
	memcpy(out, t, n);
	out[n] = '\0';
	return kind;
}

/* 1 when s[0..n) holds a token of ours anywhere (possibly percent-encoded around it:
 * the token alphabet itself needs no encoding). */
static int holds_token(const char *s, size_t n)
{
	for (size_t i = 0; i + TOKEN_LEN <= n; i++) {
		if (token_kind_of(s + i, TOKEN_LEN) < 0)
			continue;
		/* Not a token when it is part of a longer run of token characters. */
		if ((i > 0 && is_b64url(s[i - 1])) ||
		    (i + TOKEN_LEN < n && is_b64url(s[i + TOKEN_LEN])))
			continue;
		return 1;
	}
	return 0;
}

int token_in_query(const char *query)
{
	if (!query || !*query)
		return 0;
	for (const char *p = query; *p;) {
		const char *end = strchr(p, '&');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if ((n >= 12 && strncasecmp(p, "access_token", 12) == 0 &&
		     (n == 12 || p[12] == '=')) ||
		    holds_token(p, n))
			return 1;
		p += n;
		if (*p == '&')
			p++;
	}
	return 0;
}
