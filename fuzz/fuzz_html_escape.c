/*
 * fuzz_html_escape: the one HTML escaper. Properties: the output holds none of
 * < > " ' and no '&' that does not start an entity it wrote; for valid UTF-8 text
 * without control characters, un-escaping gives the input back (nothing lost).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html_escape.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *ent;
	char c;
} ents[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = size * HTML_ESCAPE_MAX_GROWTH + 1;
	char *out = malloc(cap);
	size_t n = html_escape(out, cap, (const char *)data, size);
	if (n >= cap || strlen(out) != n)
		abort();
	char *back = malloc(n + 1);
	size_t bn = 0;
	for (size_t i = 0; i < n;) {
		if (strchr("<>\"'", out[i]))
			abort();
		if (out[i] == '&') {
			size_t k = 0;
			while (k < sizeof ents / sizeof ents[0] &&
			       strncmp(out + i, ents[k].ent, strlen(ents[k].ent)) != 0)
				k++;
			if (k == sizeof ents / sizeof ents[0])
				abort(); /* a bare '&' or an entity it never writes */
			back[bn++] = ents[k].c;
			i += strlen(ents[k].ent);
		} else {
			back[bn++] = out[i++];
		}
	}
	int plain = utf8_count((const char *)data, size) >= 0 &&
	            !utf8_has_control((const char *)data, size) && !memchr(data, '\0', size);
	if (plain && (bn != size || memcmp(back, data, size) != 0))
		abort();
	/* Truncation is safe: a short buffer still gets a NUL-terminated prefix. */
	char small[8];
	html_escape(small, sizeof small, (const char *)data, size);
	if (strlen(small) >= sizeof small)
		abort();
	free(out);
	free(back);
	return 0;
}
