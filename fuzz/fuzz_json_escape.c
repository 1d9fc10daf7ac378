/*
 * fuzz_json_escape: the one JSON escaping path (cJSON, through resp_json). Property:
 * any valid UTF-8 string sent in a JSON answer parses back to the same string, and
 * the answer is one well-formed response.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	char buf[1 << 17];
	size_t len;
};

static int sink_write(void *h, const char *b, int n)
{
	struct sink *s = h;
	if ((size_t)n > sizeof s->buf - s->len - 1)
		abort();
	memcpy(s->buf + s->len, b, (size_t)n);
	s->len += (size_t)n;
	s->buf[s->len] = '\0';
	return n;
}

static int no_read(void *h, char *b, int n)
{
	(void)h, (void)b, (void)n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096 || utf8_count((const char *)data, size) < 0 || memchr(data, '\0', size))
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct sink *out = calloc(1, sizeof *out);
	char *envp[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	struct http_io io = { out, no_read, sink_write };
	struct request r;
	if (request_init(&r, envp, &io) != 0)
		abort();
	cJSON *obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "userName", s);
	resp_json(&r, 200, obj);
	cJSON_Delete(obj);
	request_free(&r);

	char *body = strstr(out->buf, "\r\n\r\n");
	if (!body)
		abort();
	cJSON *back = cJSON_Parse(body + 4);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(back, "userName");
	if (!cJSON_IsString(name) || strcmp(name->valuestring, s) != 0)
		abort();
	cJSON_Delete(back);
	free(out);
	free(s);
	return 0;
}
