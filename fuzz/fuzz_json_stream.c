/*
 * fuzz_json_stream: the streamed JSON strings of GET /backend. Property: for any bytes
 * (up to the first NUL, as C strings end), json_stream_string writes exactly what
 * cJSON prints for the same string, wherever the buffer boundary falls.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	char buf[1 << 16];
	size_t len;
};

static int sink_write(void *h, const char *b, int n)
{
	struct sink *s = h;
	if ((size_t)n > sizeof s->buf - s->len)
		abort();
	memcpy(s->buf + s->len, b, (size_t)n);
	s->len += (size_t)n;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	char *str = malloc(size);
	if (!str)
		return 0;
	memcpy(str, data + 2, size - 2);
	str[size - 2] = '\0';
	static struct json_stream js;
	static struct sink s;
	s.len = 0;
	json_stream_init(&js, sink_write, &s);
	/* Fill the buffer to just before a boundary chosen by the first two bytes. */
	size_t pad = ((size_t)data[0] << 8 | data[1]) % JSON_STREAM_BUF;
	for (size_t i = 0; i < pad; i++)
		json_stream_raw(&js, " ", 1);
	json_stream_string(&js, str);
	if (json_stream_flush(&js) != 0)
		abort();
	cJSON *o = cJSON_CreateString(str);
	char *want = o ? cJSON_PrintUnformatted(o) : NULL;
	if (want && (s.len != pad + strlen(want) || memcmp(s.buf + pad, want, strlen(want)) != 0))
		abort();
	free(want);
	cJSON_Delete(o);
	free(str);
	return 0;
}
