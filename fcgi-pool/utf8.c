/*
 * utf8: a strict decoder loop after the Unicode standard's table 3-7 (well-formed
 * byte sequences).
 */
#include "utf8.h"

size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		*cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		*cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* no overlongs */
		if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		unsigned char b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
			return 0;
		*cp = (*cp << 6) | (b & 0x3F);
	}
	return len;
}

long utf8_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;
	size_t i = 0;
	while (i < n) {
		unsigned long cp;
		size_t len = utf8_next(p + i, n - i, &cp);
		if (!len)
			return -1;
		i += len;
		count++;
	}
	return count;
}

int utf8_has_control(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned long cp;
		size_t len = utf8_next(p + i, n - i, &cp);
		if (!len)
			return 1; /* not valid: treat as unsafe */
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return 1;
		i += len;
	}
	return 0;
}
