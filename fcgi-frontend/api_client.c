/*
 * api_client: see api_client.h. The transports are api_call(): over HTTP the worker's
 * reused CURL handle and a bounded response buffer; over FastCGI fcgi_call() with the
 * CGI parameters a web server would send (fcgi_client.c). The rest turns JSON (cJSON)
 * into structs and HTTP statuses into api_status.
 */
#include "api_client.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "log.h"
#include "urlencoded.h"

#define MAX_BODY (1u << 20) /* a page of users is a few KiB; refuse anything silly */

struct body {
	char *p; /* NUL-terminated */
	size_t len;
	int too_big;
	long retry_after; /* the answer's Retry-After, 0 when none */
	int owned;        /* p is malloc'd (HTTP); FastCGI answers live in the client's reply */
};

/* The "just wrote" cookie nginx sets on every write's answer (nginx/README.md). */
#define WROTE_COOKIE "fcgi_users_wrote"

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

int api_client_config(struct api_client *c, const char *base_url, long connect_timeout_ms,
                      long timeout_ms)
{
	memset(c, 0, sizeof *c);
	size_t n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	if (n >= sizeof c->base)
		return -1;
	memcpy(c->base, base_url, n);
	c->base[n] = '\0';
	c->connect_timeout_ms = connect_timeout_ms;
	c->timeout_ms = timeout_ms;
	if (fcgi_url_is(c->base)) {
		char why[128];
		c->fcgi = 1;
		return fcgi_target_parse(c->base, &c->target, why, sizeof why);
	}
	return 0;
}

int api_client_open(struct api_client *c)
{
	api_client_close(c);
	if (c->fcgi)
		return 0; /* a new connection per call: nothing to keep open */
	CURL *curl = curl_easy_init();
	if (!curl)
		return -1;
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* timeouts without SIGALRM */
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "fcgi-frontend");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	c->curl = curl;
	return 0;
}

void api_client_close(struct api_client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	fcgi_reply_free(&c->reply);
}

void api_client_bind(struct api_client *c, const struct request *r)
{
	const char *cookies = request_header(r, "Cookie");
	char v[8];
	c->wrote = cookies && (cookie_get(cookies, WROTE_COOKIE, v, sizeof v) == 0 ||
	                       cookie_get(cookies, "__Host-" WROTE_COOKIE, v, sizeof v) == 0);
}

/* The call over FastCGI: the parameters nginx's fastcgi_params would give the pool. */
static int fcgi_api_call(struct api_client *c, const char *method, const char *path,
                         const char *json, long *status, struct body *body, struct api_error *err);

static void set_error(struct api_error *err, enum api_status status, long http, const char *detail)
{
	err->status = status;
	err->http_status = http;
	snprintf(err->detail, sizeof err->detail, "%s", detail ? detail : "");
	err->field[0] = '\0';
	err->field_message[0] = '\0';
	err->retry_after = 0;
	err->holder_id = 0;
	err->holder_name[0] = '\0';
}

void api_client_act_for(struct api_client *c, const struct principal *p)
{
	explicit_bzero(c->bearer, sizeof c->bearer);
	if (p && p->credential[0])
		snprintf(c->bearer, sizeof c->bearer, "%s", p->credential);
	c->forward_cookie = NULL;
	c->sso_user = NULL;
	c->form_nonce[0] = '\0';
}

void api_client_spend_form(struct api_client *c, const char *nonce, long long expiry)
{
	int n = snprintf(c->form_nonce, sizeof c->form_nonce, "%s.%lld", nonce, expiry);
	if (n < 0 || (size_t)n >= sizeof c->form_nonce || strlen(nonce) != FORM_NONCE_HEX_LEN)
		c->form_nonce[0] = '\0'; /* csrf.c made both: cannot happen */
}

/* The form nonce goes with the first call that writes, once (api_client.h). into gets
 * it, or "" when this call carries none. */
static void take_form_nonce(struct api_client *c, const char *method,
                            char into[FORM_NONCE_VALUE_MAX])
{
	into[0] = '\0';
	if (!c->form_nonce[0] || strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return;
	memcpy(into, c->form_nonce, sizeof c->form_nonce);
	c->form_nonce[0] = '\0';
}

/* The request's credentials: the bearer token of the editor the page acts for, and
 * (single sign-on only) the browser's cookies for nginx to show the proxy. */
static struct curl_slist *with_credentials(const struct api_client *c, struct curl_slist *h)
{
	char line[PRINCIPAL_CREDENTIAL_MAX + 32];
	if (c->bearer[0]) {
		snprintf(line, sizeof line, "Authorization: Bearer %s", c->bearer);
		h = curl_slist_append(h, line);
		explicit_bzero(line, sizeof line);
	}
	if (c->forward_cookie && *c->forward_cookie) {
		char *cookie = NULL;
		if (asprintf(&cookie, "Cookie: %s", c->forward_cookie) >= 0) {
			h = curl_slist_append(h, cookie);
			free(cookie);
		}
	}
	return h;
}

/* The page request's id (log.c holds it while the request is in hand) goes with the
 * API call, so the backend's lines of this page carry the same id: over http:// as
 * X-Request-Id (nginx keeps it: an internal caller, nginx's shape); a FastCGI transport
 * passes log_request_id() as the REQUEST_ID param instead. */
static struct curl_slist *with_request_id(struct curl_slist *headers)
{
	const char *id = log_request_id();
	if (!*id)
		return headers;
	char h[32 + LOG_REQUEST_ID_MAX];
	snprintf(h, sizeof h, "X-Request-Id: %s", id);
	return curl_slist_append(headers, h);
}

static int user_from(const cJSON *o, struct api_user *out);

/* One request. On a transport failure fills err (API_UNAVAILABLE) and returns -1; else
 * returns 0 with *status and body (caller frees body->p). */
static int api_call(struct api_client *c, const char *method, const char *path, const char *json,
                    long *status, struct body *body, struct api_error *err)
{
	if (c->fcgi)
		return fcgi_api_call(c, method, path, json, status, body, err);
	CURL *curl = c->curl;
	if (!curl) {
		set_error(err, API_FAILED, 0, "backend client not initialised");
		return -1;
	}
	char url[2048];
	int n = snprintf(url, sizeof url, "%s%s", c->base, path);
	if (n < 0 || (size_t)n >= sizeof url) {
		set_error(err, API_FAILED, 0, "request URL too long");
		return -1;
	}
	struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
	if (json)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
	headers = with_credentials(c, headers);
	/* The single sign-on call forwards the browser's cookies, "just wrote" included. */
	if (c->wrote && !c->forward_cookie)
		headers = curl_slist_append(headers, "Cookie: " WROTE_COOKIE "=1");
	headers = with_request_id(headers);
	char nonce[FORM_NONCE_VALUE_MAX], nonce_line[FORM_NONCE_VALUE_MAX + 32];
	take_form_nonce(c, method, nonce);
	if (*nonce) {
		snprintf(nonce_line, sizeof nonce_line, FORM_NONCE_HEADER ": %s", nonce);
		headers = curl_slist_append(headers, nonce_line);
	}
	memset(body, 0, sizeof *body);
	body->owned = 1;
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
	struct curl_header *retry = NULL;
	if (curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &retry) == CURLHE_OK)
		body->retry_after = strtol(retry->value, NULL, 10);
	return 0;
}

/* The request's credentials as the params a web server would pass: the bearer token as
 * HTTP_AUTHORIZATION, and (single sign-on only) SSO_USER as nginx sets it behind its
 * auth_request. auth holds the header's value; the count of params added. */
static size_t fcgi_credentials(const struct api_client *c, struct fcgi_param *p, char *auth,
                               size_t cap)
{
	size_t n = 0;
	if (c->bearer[0]) {
		snprintf(auth, cap, "Bearer %s", c->bearer);
		p[n++] = (struct fcgi_param){ "HTTP_AUTHORIZATION", auth };
	}
	if (c->sso_user && *c->sso_user)
		p[n++] = (struct fcgi_param){ "SSO_USER", c->sso_user };
	return n;
}

static int fcgi_api_call(struct api_client *c, const char *method, const char *path,
                         const char *json, long *status, struct body *body, struct api_error *err)
{
	memset(body, 0, sizeof *body);
	const char *q = strchr(path, '?');
	char doc[1024], len[24];
	snprintf(doc, sizeof doc, "%.*s", (int)(q ? (size_t)(q - path) : strlen(path)), path);
	snprintf(len, sizeof len, "%zu", json ? strlen(json) : (size_t)0);
	char auth[PRINCIPAL_CREDENTIAL_MAX + 16];
	struct fcgi_param p[20];
	size_t n = 0;
	p[n++] = (struct fcgi_param){ "GATEWAY_INTERFACE", "CGI/1.1" };
	p[n++] = (struct fcgi_param){ "SERVER_PROTOCOL", "HTTP/1.1" };
	p[n++] = (struct fcgi_param){ "REQUEST_METHOD", method };
	p[n++] = (struct fcgi_param){ "REQUEST_URI", path };
	p[n++] = (struct fcgi_param){ "DOCUMENT_URI", doc };
	p[n++] = (struct fcgi_param){ "SCRIPT_NAME", doc };
	p[n++] = (struct fcgi_param){ "QUERY_STRING", q ? q + 1 : "" };
	p[n++] = (struct fcgi_param){ "REMOTE_ADDR", "127.0.0.1" }; /* this frontend */
	p[n++] = (struct fcgi_param){ "HTTP_ACCEPT", "application/json" };
	p[n++] = (struct fcgi_param){ "HTTP_USER_AGENT", "fcgi-frontend" };
	if (json) {
		p[n++] = (struct fcgi_param){ "CONTENT_TYPE", "application/json" };
		p[n++] = (struct fcgi_param){ "CONTENT_LENGTH", len };
	}
	if (c->wrote)
		p[n++] = (struct fcgi_param){ "HTTP_COOKIE", WROTE_COOKIE "=1" };
	if (*log_request_id())
		p[n++] = (struct fcgi_param){ "REQUEST_ID", log_request_id() };
	n += fcgi_credentials(c, p + n, auth, sizeof auth);
	/* FORM_NONCE_HEADER as a web server passes a request header. */
	char nonce[FORM_NONCE_VALUE_MAX];
	take_form_nonce(c, method, nonce);
	if (*nonce)
		p[n++] = (struct fcgi_param){ "HTTP_FORM_NONCE", nonce };
	const struct fcgi_limits lim = { .connect_timeout_ms = c->connect_timeout_ms,
		                         .timeout_ms = c->timeout_ms,
		                         .max_reply = MAX_BODY };
	enum fcgi_result res =
	        fcgi_call(&c->target, &lim, p, n, json, json ? strlen(json) : 0, &c->reply);
	explicit_bzero(auth, sizeof auth);
	if (res != FCGI_OK) {
		const char *why = fcgi_result_text(res);
		log_kv(LOG_WARN, "backend call failed", "method", method, "path", path, "error",
		       why, NULL);
		set_error(err,
		          res == FCGI_E_TOO_LARGE || res == FCGI_E_PROTOCOL ? API_FAILED
		                                                            : API_UNAVAILABLE,
		          0, why);
		return -1;
	}
	*status = c->reply.status;
	body->p = (char *)c->reply.body;
	body->len = c->reply.body_len;
	char retry[24];
	if (fcgi_reply_header(&c->reply, "Retry-After", retry, sizeof retry))
		body->retry_after = strtol(retry, NULL, 10);
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
	case 401:
		st = API_UNAUTHORIZED;
		break;
	case 403:
		st = API_FORBIDDEN;
		break;
	case 429:
		st = API_THROTTLED;
		break;
	case 507:
		st = API_FULL;
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
	/* The one 409 that is not about the name: this form's write was made already. */
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "type"));
	if (http_status == 409 && type && strcmp(type, FORM_SENT_PROBLEM) == 0)
		err->status = API_REPLAYED;
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
	/* A 409 names the user who has the name, so the page can link to them. */
	struct api_user holder;
	cJSON *existing = cJSON_GetObjectItemCaseSensitive(root, "existing");
	if (http_status == 409 && cJSON_IsObject(existing) && user_from(existing, &holder) == 0) {
		err->holder_id = holder.id;
		snprintf(err->holder_name, sizeof err->holder_name, "%s", holder.name);
	}
	cJSON_Delete(root);
}

static int user_from(const cJSON *o, struct api_user *out)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, USER_FIELD_ID);
	const char *name =
	        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, USER_FIELD_NAME));
	const char *created =
	        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, USER_FIELD_CREATED));
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

cJSON *api_parse_items(const char *json, cJSON **root)
{
	*root = json ? cJSON_Parse(json) : NULL;
	cJSON *items = cJSON_GetObjectItemCaseSensitive(*root, "items");
	if (!cJSON_IsObject(*root) || !cJSON_IsArray(items)) {
		cJSON_Delete(*root);
		*root = NULL;
		return NULL;
	}
	return items;
}

int api_parse_user_page(const char *json, struct api_user_page *out)
{
	memset(out, 0, sizeof *out);
	cJSON *root;
	cJSON *items = api_parse_items(json, &root);
	if (!items)
		return -1;
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
	const char *next = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "next"));
	if (next && strlen(next) < sizeof out->next)
		memcpy(out->next, next, strlen(next) + 1);
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
		err->retry_after = b->retry_after;
	}
	if (b->owned)
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
	if (!o || !cJSON_AddStringToObject(o, USER_FIELD_NAME, name)) {
		cJSON_Delete(o);
		return NULL;
	}
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

enum api_status api_call_json(struct api_client *c, const char *method, const char *path,
                              const char *json, long want, int (*parse)(const char *, void *),
                              void *out, struct api_error *err)
{
	long status = 0;
	struct body b;
	if (api_call(c, method, path, json, &status, &b, err) != 0)
		return err->status;
	enum api_status st = finish(status, &b, want, parse, out, err);
	if (st == API_OK && strcmp(method, "GET") != 0)
		c->wrote = 1; /* this request's later reads must see the write */
	return st;
}

/* A write of {"userName": name}. */
static enum api_status name_call(struct api_client *c, const char *method, const char *path,
                                 const char *name, long want, struct api_user *out,
                                 struct api_error *err)
{
	char *json = name_body(name);
	if (!json) {
		set_error(err, API_FAILED, 0, "out of memory");
		return err->status;
	}
	enum api_status st = api_call_json(c, method, path, json, want, parse_user_cb, out, err);
	free(json);
	return st;
}

/* USERS_PATH/id */
static void user_path(char *buf, size_t cap, long long id)
{
	snprintf(buf, cap, USERS_PATH "/%lld", id);
}

enum api_status api_list_users(struct api_client *c, const struct api_list_query *q,
                               struct api_user_page *out, struct api_error *err)
{
	memset(out, 0, sizeof *out);
	char path[1024];
	char *prefix = url_encode(q->prefix ? q->prefix : "");
	char *after = url_encode(q->after ? q->after : "");
	if (!prefix || !after) {
		free(prefix);
		free(after);
		set_error(err, API_FAILED, 0, "out of memory");
		return err->status;
	}
	int n = snprintf(path, sizeof path, USERS_PATH "?limit=%lld", q->limit);
	if (*after)
		n += snprintf(path + n, sizeof path - (size_t)n, "&after=%s", after);
	else
		n += snprintf(path + n, sizeof path - (size_t)n, "&offset=%lld", q->offset);
	if (*prefix)
		n += snprintf(path + n, sizeof path - (size_t)n, "&q=%s", prefix);
	if (q->sort && *q->sort)
		snprintf(path + n, sizeof path - (size_t)n, "&sort=%s", q->sort);
	free(prefix);
	free(after);
	return api_call_json(c, "GET", path, NULL, 200, parse_page_cb, out, err);
}

enum api_status api_get_user(struct api_client *c, long long id, struct api_user *out,
                             struct api_error *err)
{
	char path[64];
	user_path(path, sizeof path, id);
	return api_call_json(c, "GET", path, NULL, 200, parse_user_cb, out, err);
}

enum api_status api_create_user(struct api_client *c, const char *name, struct api_user *out,
                                struct api_error *err)
{
	return name_call(c, "POST", USERS_PATH, name, 201, out, err);
}

enum api_status api_rename_user(struct api_client *c, long long id, const char *name,
                                struct api_user *out, struct api_error *err)
{
	char path[64];
	user_path(path, sizeof path, id);
	return name_call(c, "PATCH", path, name, 200, out, err);
}

enum api_status api_delete_user(struct api_client *c, long long id, struct api_error *err)
{
	char path[64];
	user_path(path, sizeof path, id);
	return api_call_json(c, "DELETE", path, NULL, 204, NULL, NULL, err);
}
