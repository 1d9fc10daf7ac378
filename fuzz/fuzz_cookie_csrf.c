/*
 * fuzz_cookie_csrf: the Cookie header and CSRF tokens, both attacker-controlled.
 * Input: "COOKIE-HEADER\nACTION\nTOKEN". Properties: cookie_get and cookie_count never
 * overrun and agree (a header that cookie_get finds a cookie in counts it at least
 * once); a cookie counted twice is what site_cookies_duplicate refuses; a token is
 * accepted only when it is exactly the token the key makes for that cookie, form
 * (action), expiry and nonce (the nonce handed on for the one-use check is the
 * token's), and a genuine token for one form fails for another or with another nonce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "csrf.h"
#include "site_cookies.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of *s (cut at '\n'), or "" at the end. */
static char *next_line(char **s)
{
	char *line = *s;
	if (!line)
		return "";
	char *nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*s = nl + 1;
	} else {
		*s = NULL;
	}
	return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sign_key key;
	if (!key.len && sign_key_set(&key, "fuzz-secret-key") != 0)
		abort();
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char *rest = s;
	char *header = next_line(&rest);
	char *action = next_line(&rest);
	char *token = next_line(&rest);

	char cookie[CSRF_COOKIE_LEN + 1];
	int found = cookie_get(header, "csrf", cookie, sizeof cookie) == 0;
	if (!found)
		cookie[0] = '\0';
	int count = cookie_count(header, "csrf");
	if (found && count < 1)
		abort(); /* the reader saw a cookie the duplicate check does not count */

	time_t now = 1700000000;
	struct csrf_form form;
	if (csrf_check_form(&key, cookie, action, token, now, &form) == CSRF_OK) {
		char good[CSRF_TOKEN_MAX];
		if (csrf_token_make(&key, cookie, action, form.expiry, form.nonce, good) != 0 ||
		    strcmp(good, token) != 0)
			abort(); /* accepted something the key did not make */
		if (strlen(form.nonce) != CSRF_NONCE_LEN || form.expiry < (long long)now)
			abort(); /* the one-use check would get a nonce the token does not hold */
	}
	/* A genuine token for this cookie and form passes, and fails with one flipped
	 * digit or for another form. */
	if (csrf_cookie_valid(cookie) && strlen(action) < CSRF_ACTION_MAX) {
		char good[CSRF_TOKEN_MAX];
		if (csrf_token(&key, cookie, action, now, 3600, good) != 0)
			abort();
		if (csrf_check(&key, cookie, action, good, now) != CSRF_OK)
			abort();
		char other[CSRF_ACTION_MAX + 2];
		snprintf(other, sizeof other, "%sx", action);
		if (csrf_check(&key, cookie, other, good, now) == CSRF_OK)
			abort();
		/* Another nonce under the same signature: a spent token made fresh. */
		char *nonce = strchr(good, '.') + 1;
		nonce[0] = nonce[0] == '0' ? '1' : '0';
		if (csrf_check(&key, cookie, action, good, now) == CSRF_OK)
			abort();
		nonce[0] = nonce[0] == '0' ? '1' : '0';
		size_t n = strlen(good);
		good[n - 1] = good[n - 1] == '0' ? '1' : '0';
		if (csrf_check(&key, cookie, action, good, now) == CSRF_OK)
			abort();
	}
	free(s);
	return 0;
}
