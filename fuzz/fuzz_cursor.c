/*
 * fuzz_cursor: the `after` query parameter. Properties: decoding any text never reads
 * out of bounds; a text it accepts encodes back to a cursor that decodes to the same
 * order, id and key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct cursor c, back;
	if (cursor_decode(text, &c) == 0) {
		char again[CURSOR_TEXT_MAX];
		if (cursor_encode(&c, again, sizeof again) != 0 ||
		    cursor_decode(again, &back) != 0 || back.order != c.order || back.id != c.id ||
		    back.key_len != c.key_len || memcmp(back.key, c.key, c.key_len) != 0)
			abort();
	}
	free(text);
	return 0;
}
