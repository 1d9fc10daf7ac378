/*
 * fuzz_json_escape: the one JSON escaping path (cJSON, through resp_json). Property:
 * any valid UTF-8 string sent in a JSON answer parses back to the same string, and
 * the answer is one well-formed response.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_double.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096 || utf8_count((const char *)data, size) < 0 || memchr(data, '\0', size))
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct http_double out = { 0 };
	char *envp[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	struct http_io io = http_double_io(&out);
	struct request r;
	if (request_init(&r, envp, &io) != 0)
		abort();
	cJSON *obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "userName", s);
	resp_json(&r, 200, obj);
	cJSON_Delete(obj);
	request_free(&r);

	http_double_parse(&out);
	if (out.status != 200)
		abort();
	cJSON *back = cJSON_Parse(out.body);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(back, "userName");
	if (!cJSON_IsString(name) || strcmp(name->valuestring, s) != 0)
		abort();
	cJSON_Delete(back);
	http_double_free(&out);
	free(s);
	return 0;
}
