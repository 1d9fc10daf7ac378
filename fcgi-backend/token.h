/*
 * token: the bearer secrets the backend hands out — session tokens (sign-in) and API
 * tokens (`fcgi-backend token create`) — and the one way they are stored.
 *
 * A token is a kind prefix ("fus_" session, "fut_" API token: secret scanners and
 * people can tell them apart, and a token of one kind is never looked up as the other)
 * followed by 256 random bits from OpenSSL's CSPRNG as unpadded base64url (43
 * characters). The database keeps only SHA-256 of the whole token, as hex: with 256
 * bits of entropy a fast hash is enough (nobody can guess a preimage), and lookup is
 * one index probe. A stolen database dump therefore holds no usable token.
 */
#ifndef BACKEND_TOKEN_H
#define BACKEND_TOKEN_H

#include <stddef.h>

#define TOKEN_PREFIX_LEN 4
#define TOKEN_RANDOM_LEN 32 /* bytes */
#define TOKEN_B64_LEN    43 /* base64url characters for 32 bytes, no padding */
#define TOKEN_LEN        (TOKEN_PREFIX_LEN + TOKEN_B64_LEN)
#define TOKEN_HASH_HEX   64 /* SHA-256 as lowercase hex */

enum token_kind { TOKEN_SESSION, TOKEN_API };

/* A new token of kind into out (TOKEN_LEN characters + NUL). 0, or -1 when the
 * random source fails. */
int token_new(enum token_kind kind, char out[TOKEN_LEN + 1]);

/* The kind of s when it has exactly the shape token_new makes; -1 otherwise. */
int token_kind_of(const char *s, size_t len);

/* SHA-256 of s[0..len) as lowercase hex (+ NUL). 0, or -1 on a libcrypto error. */
int token_hash(const char *s, size_t len, char out[TOKEN_HASH_HEX + 1]);

/*
 * The credentials of an Authorization header value: "Bearer <token>" (the scheme
 * compared ignoring case, RFC 6750 §2.1). Copies the token into out and returns its
 * kind; -1 when the header is absent, uses another scheme, or carries something that
 * is not a token of ours.
 */
int token_from_authorization(const char *header, char out[TOKEN_LEN + 1]);

/*
 * 1 when a query string carries a credential: an access_token parameter (RFC 6750
 * §2.3, which this API does not accept) or a value shaped like one of our tokens.
 * Tokens in URLs end up in logs, histories and Referer headers: such requests are
 * refused.
 */
int token_in_query(const char *query);

#endif
