/*
 * cookie: see cookie.h. Values are expected to be cookie-octets (RFC 6265 4.1.1);
 * the services only store hex and similar tokens, so anything else is refused rather
 * than encoded.
 */
#include "cookie.h"

#include <stdio.h>
#include <string.h>

static int is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	       (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

static int is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7F && !strchr("()<>@,;:\\\"/[]?={}", c);
}

int cookie_get(const char *header, const char *name, char *out, size_t cap)
{
	if (!header || cap == 0)
		return -1;
	size_t nlen = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *eq = strchr(p, '=');
		const char *semi = strchr(p, ';');
		if (!semi)
			semi = p + strlen(p);
		if (eq && eq < semi && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			const char *v = eq + 1, *e = semi;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e - v >= 2 && *v == '"' && e[-1] == '"') {
				v++;
				e--;
			}
			size_t n = (size_t)(e - v);
			if (n >= cap)
				return -1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		p = semi;
	}
	return -1;
}

int cookie_format(char *out, size_t cap, const char *name, const char *value, long max_age,
                  int secure)
{
	if (!*name)
		return -1;
	for (const char *p = name; *p; p++)
		if (!is_token_char((unsigned char)*p))
			return -1;
	for (const char *p = value; *p; p++)
		if (!is_cookie_octet((unsigned char)*p))
			return -1;
	char age[32] = "";
	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
	int n = snprintf(out, cap, "%s=%s; Path=/%s; HttpOnly; SameSite=Lax%s", name, value, age,
	                 secure ? "; Secure" : "");
	return n > 0 && (size_t)n < cap ? 0 : -1;
}
