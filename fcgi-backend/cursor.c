/*
 * cursor: see cursor.h. base64url through OpenSSL's base64 (EVP_EncodeBlock /
 * EVP_DecodeBlock) with the two letters of the URL alphabet swapped and the padding
 * dropped, as RFC 4648 section 5 allows.
 */
#include "cursor.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const order_names[] = {
	[ORDER_ID] = "id",
	[ORDER_ID_DESC] = "-id",
	[ORDER_NAME] = "name",
	[ORDER_NAME_DESC] = "-name",
};
static const char order_tags[] = {
	[ORDER_ID] = 'i', [ORDER_ID_DESC] = 'I', [ORDER_NAME] = 'n', [ORDER_NAME_DESC] = 'N'
};
#define NORDERS (sizeof order_names / sizeof order_names[0])
#define ID_MAX  4294967295LL

int list_order_parse(const char *name)
{
	for (size_t i = 0; i < NORDERS; i++)
		if (strcmp(order_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *list_order_name(enum list_order order)
{
	return (size_t)order < NORDERS ? order_names[order] : "?";
}

static int by_name(enum list_order o)
{
	return o == ORDER_NAME || o == ORDER_NAME_DESC;
}

int cursor_encode(const struct cursor *c, char *out, size_t cap)
{
	if ((size_t)c->order >= NORDERS || c->id < 1 || c->id > ID_MAX ||
	    c->key_len > CURSOR_KEY_MAX || (by_name(c->order) && c->key_len == 0))
		return -1;
	unsigned char raw[CURSOR_KEY_MAX + 32];
	int n = snprintf((char *)raw, sizeof raw, "%c:%lld:", order_tags[c->order], c->id);
	memcpy(raw + n, c->key, c->key_len);
	n += (int)c->key_len;
	unsigned char b64[(sizeof raw + 2) / 3 * 4 + 1];
	int m = EVP_EncodeBlock(b64, raw, n);
	while (m > 0 && b64[m - 1] == '=')
		m--;
	if ((size_t)m + 1 > cap)
		return -1;
	for (int i = 0; i < m; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
	out[m] = '\0';
	return 0;
}

int cursor_decode(const char *text, struct cursor *c)
{
	memset(c, 0, sizeof *c);
	size_t n = strlen(text);
	if (n < 4 || n >= CURSOR_TEXT_MAX || n % 4 == 1)
		return -1;
	char b64[CURSOR_TEXT_MAX + 4];
	for (size_t i = 0; i < n; i++) {
		char ch = text[i];
		if (ch == '-')
			ch = '+';
		else if (ch == '_')
			ch = '/';
		else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		           (ch >= '0' && ch <= '9')))
			return -1; /* '+', '/', '=' and anything else are not base64url */
		b64[i] = ch;
	}
	size_t pad = (4 - n % 4) % 4;
	memset(b64 + n, '=', pad);
	unsigned char raw[CURSOR_TEXT_MAX];
	int m = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)(n + pad));
	if (m < 0)
		return -1;
	m -= (int)pad; /* EVP_DecodeBlock counts the padding as zero bytes */
	/* "<tag>:<id>:<key>" */
	if (m < 4 || raw[1] != ':')
		return -1;
	const char *tag = memchr(order_tags, raw[0], NORDERS);
	if (!tag || raw[0] == '\0')
		return -1;
	c->order = (enum list_order)(tag - order_tags);
	size_t at = 2;
	long long id = 0;
	size_t digits = 0;
	while (at < (size_t)m && raw[at] >= '0' && raw[at] <= '9' && digits < 11) {
		id = id * 10 + (raw[at] - '0');
		at++;
		digits++;
	}
	if (digits == 0 || raw[2] == '0' || at >= (size_t)m || raw[at] != ':' || id > ID_MAX)
		return -1;
	c->id = id;
	at++;
	c->key_len = (size_t)m - at;
	if (c->key_len > CURSOR_KEY_MAX || memchr(raw + at, '\0', c->key_len) ||
	    (by_name(c->order) ? c->key_len == 0 : c->key_len != 0))
		return -1;
	memcpy(c->key, raw + at, c->key_len);
	c->key[c->key_len] = '\0';
	return 0;
}
