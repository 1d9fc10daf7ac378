/*
 * fuzz_cookie_csrf: the Cookie header and CSRF tokens, both attacker-controlled.
 * Input: "COOKIE-HEADER\nTOKEN". Properties: cookie_get never overruns; a token is
 * accepted only when it is exactly the token the key makes for that cookie and expiry.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "csrf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sign_key key;
	if (!key.len && sign_key_set(&key, "fuzz-secret-key") != 0)
		abort();
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char *token = strchr(s, '\n');
	if (token)
		*token++ = '\0';
	else
		token = "";

	char cookie[CSRF_COOKIE_LEN + 1];
	if (cookie_get(s, CSRF_COOKIE, cookie, sizeof cookie) != 0)
		cookie[0] = '\0';
	time_t now = 1700000000;
	if (csrf_check(&key, cookie, token, now) == CSRF_OK) {
		long long expiry = strtoll(token, NULL, 10);
		char good[CSRF_TOKEN_MAX];
		if (csrf_token(&key, cookie, now, (long)(expiry - now), good) != 0 ||
		    strcmp(good, token) != 0)
			abort(); /* accepted something the key did not make */
	}
	/* A genuine token for this cookie passes, and fails with one flipped digit. */
	if (csrf_cookie_valid(cookie)) {
		char good[CSRF_TOKEN_MAX];
		if (csrf_token(&key, cookie, now, 3600, good) != 0)
			abort();
		if (csrf_check(&key, cookie, good, now) != CSRF_OK)
			abort();
		size_t n = strlen(good);
		good[n - 1] = good[n - 1] == '0' ? '1' : '0';
		if (csrf_check(&key, cookie, good, now) == CSRF_OK)
			abort();
	}
	free(s);
	return 0;
}
