/*
 * api_client: see api_client.h. The transport (one reused CURL handle, a bounded
 * response buffer) is api_call(); the rest turns JSON (cJSON) into structs and HTTP
 * statuses into api_status.
 */
#include "api_client.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define MAX_BODY (1u << 20) /* a page of users is a few KiB; refuse anything silly */

static CURL *curl;
static char *base; /* BACKEND_URL without a trailing slash */

struct body {
	char *p;
	size_t len;
	int too_big;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body *b = ctx;
	size_t n = size * nmemb;
	if (b->len + n > MAX_BODY) {
		b->too_big = 1;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	char *p = realloc(b->p, b->len + n + 1);
	if (!p)
		return 0;
	memcpy(p + b->len, data, n);
	b->p = p;
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

int api_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int api_init(const char *base_url, long connect_timeout_ms, long timeout_ms)
{
	api_cleanup();
	size_t n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	base = strndup(base_url, n);
	curl = curl_easy_init();
	if (!base || !curl) {
		api_cleanup();
		return -1;
	}
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* timeouts without SIGALRM */
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "fcgi-frontend");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	return 0;
}

void api_cleanup(void)
{
	if (curl)
		curl_easy_cleanup(curl);
	curl = NULL;
	free(base);
	base = NULL;
}

static void set_error(struct api_error *err, enum api_status status, long http, const char *detail)
{
	err->status = status;
	err->http_status = http;
	snprintf(err->detail, sizeof err->detail, "%s", detail ? detail : "");
	err->field[0] = '\0';
	err->field_message[0] = '\0';
}

/* One request. On a transport failure fills err (API_UNAVAILABLE) and returns -1; else
 * returns 0 with *status and body (caller frees body->p). */
static int api_call(const char *method, const char *path, const char *json, long *status,
                    struct body *body, struct api_error *err)
{
	if (!curl) {
		set_error(err, API_FAILED, 0, "backend client not initialised");
		return -1;
	}
	char url[2048];
	int n = snprintf(url, sizeof url, "%s%s", base, path);
	if (n < 0 || (size_t)n >= sizeof url) {
		set_error(err, API_FAILED, 0, "request URL too long");
		return -1;
	}
	struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
	if (json)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
	memset(body, 0, sizeof *body);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	if (json) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
	}
	curl_easy_setopt(curl, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	CURLcode rc = curl_easy_perform(curl);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(headers);
	if (rc != CURLE_OK) {
		const char *why = body->too_big ? "answer too large" : curl_easy_strerror(rc);
		log_kv(LOG_WARN, "backend call failed", "method", method, "path", path, "error",
		       why, NULL);
		set_error(err, body->too_big ? API_FAILED : API_UNAVAILABLE, 0, why);
		free(body->p);
		body->p = NULL;
		return -1;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

void api_map_error(long http_status, const char *body, struct api_error *err)
{
	enum api_status st;
	switch (http_status) {
	case 404:
		st = API_NOT_FOUND;
		break;
	case 409:
		st = API_CONFLICT;
		break;
	case 400:
	case 413:
	case 415:
	case 422:
		st = API_INVALID;
		break;
	case 502:
	case 503:
	case 504:
		st = API_UNAVAILABLE;
		break;
	default:
		st = API_FAILED;
		break;
	}
	set_error(err, st, http_status, "");
	cJSON *root = body && *body ? cJSON_Parse(body) : NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return;
	}
	const char *detail = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "detail"));
	if (!detail)
		detail = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "title"));
	if (detail)
		snprintf(err->detail, sizeof err->detail, "%s", detail);
	cJSON *errors = cJSON_GetObjectItemCaseSensitive(root, "errors");
	cJSON *first = cJSON_IsArray(errors) ? cJSON_GetArrayItem(errors, 0) : NULL;
	if (cJSON_IsObject(first)) {
		const char *f =
		        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "field"));
		const char *m =
		        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "message"));
		snprintf(err->field, sizeof err->field, "%s", f ? f : "");
		snprintf(err->field_message, sizeof err->field_message, "%s", m ? m : "");
	}
	cJSON_Delete(root);
}

static int user_from(const cJSON *o, struct api_user *out)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "userName"));
	const char *created =
	        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "createdAt"));
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 || !name || strlen(name) >= sizeof out->name)
		return -1;
	out->id = (long long)id->valuedouble;
	snprintf(out->name, sizeof out->name, "%s", name);
	snprintf(out->created_at, sizeof out->created_at, "%s", created ? created : "");
	return 0;
}

int api_parse_user(const char *json, struct api_user *out)
{
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	int rc = cJSON_IsObject(root) ? user_from(root, out) : -1;
	cJSON_Delete(root);
	return rc;
}

static long long number_or(const cJSON *o, const char *key, long long fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : fallback;
}

int api_parse_user_page(const char *json, struct api_user_page *out)
{
	memset(out, 0, sizeof *out);
	cJSON *root = json ? cJSON_Parse(json) : NULL;
	cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
	if (!cJSON_IsObject(root) || !cJSON_IsArray(items)) {
		cJSON_Delete(root);
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(items);
	out->items = calloc(n ? n : 1, sizeof *out->items);
	if (!out->items) {
		cJSON_Delete(root);
		return -1;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, items)
	{
		if (!cJSON_IsObject(item) || user_from(item, &out->items[out->count]) != 0) {
			cJSON_Delete(root);
			api_user_page_free(out);
			return -1;
		}
		out->count++;
	}
	out->total = number_or(root, "total", (long long)n);
	out->limit = number_or(root, "limit", (long long)n);
	out->offset = number_or(root, "offset", 0);
	out->total_exact = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "totalExact"));
	cJSON_Delete(root);
	return 0;
}

void api_user_page_free(struct api_user_page *page)
{
	free(page->items);
	memset(page, 0, sizeof *page);
}

/* Finish a call whose success status is want: parse with parse (may be NULL). */
static enum api_status finish(long status, struct body *b, long want,
                              int (*parse)(const char *, void *), void *out, struct api_error *err)
{
	if (status == want) {
		if (parse && parse(b->p, out) != 0) {
			set_error(err, API_FAILED, status,
			          "the backend's answer was not understood");
		} else {
			set_error(err, API_OK, status, "");
		}
	} else {
		api_map_error(status, b->p, err);
	}
	free(b->p);
	return err->status;
}

static int parse_user_cb(const char *json, void *out)
{
	return api_parse_user(json, out);
}

static int parse_page_cb(const char *json, void *out)
{
	return api_parse_user_page(json, out);
}

/* {"userName": name} as a malloc'd string (cJSON does the JSON escaping). */
static char *name_body(const char *name)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "userName", name)) {
		cJSON_Delete(o);
		return NULL;
	}
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

enum api_status api_list_users(const char *prefix, long long limit, long long offset,
                               struct api_user_page *out, struct api_error *err)
{
	memset(out, 0, sizeof *out);
	char path[1024];
	char *q = curl ? curl_easy_escape(curl, prefix ? prefix : "", 0) : NULL;
	if (curl && !q) {
		set_error(err, API_FAILED, 0, "out of memory");
		return err->status;
	}
	snprintf(path, sizeof path, "/api/v1/users?limit=%lld&offset=%lld%s%s", limit, offset,
	         q && *q ? "&q=" : "", q && *q ? q : "");
	curl_free(q);
	long status = 0;
	struct body b;
	if (api_call("GET", path, NULL, &status, &b, err) != 0)
		return err->status;
	return finish(status, &b, 200, parse_page_cb, out, err);
}

enum api_status api_get_user(long long id, struct api_user *out, struct api_error *err)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%lld", id);
	long status = 0;
	struct body b;
	if (api_call("GET", path, NULL, &status, &b, err) != 0)
		return err->status;
	return finish(status, &b, 200, parse_user_cb, out, err);
}

enum api_status api_create_user(const char *name, struct api_user *out, struct api_error *err)
{
	char *json = name_body(name);
	if (!json) {
		set_error(err, API_FAILED, 0, "out of memory");
		return err->status;
	}
	long status = 0;
	struct body b;
	int rc = api_call("POST", "/api/v1/users", json, &status, &b, err);
	free(json);
	if (rc != 0)
		return err->status;
	return finish(status, &b, 201, parse_user_cb, out, err);
}

enum api_status api_rename_user(long long id, const char *name, struct api_user *out,
                                struct api_error *err)
{
	char *json = name_body(name);
	if (!json) {
		set_error(err, API_FAILED, 0, "out of memory");
		return err->status;
	}
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%lld", id);
	long status = 0;
	struct body b;
	int rc = api_call("PATCH", path, json, &status, &b, err);
	free(json);
	if (rc != 0)
		return err->status;
	return finish(status, &b, 200, parse_user_cb, out, err);
}

enum api_status api_delete_user(long long id, struct api_error *err)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users/%lld", id);
	long status = 0;
	struct body b;
	if (api_call("DELETE", path, NULL, &status, &b, err) != 0)
		return err->status;
	return finish(status, &b, 204, NULL, NULL, err);
}
