/*
 * api: one handler per route. Handlers read validated inputs (r->in), call users.c,
 * and turn database outcomes into answers: unavailable → 503 with Retry-After,
 * duplicate name → 409, anything else unexpected → 500.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "api_auth.h"
#include "users.h"

void api_db_failed(struct request *r, enum db_status st)
{
	if (st == DB_UNAVAILABLE) {
		resp_header(r, "Retry-After", "1");
		http_error(r, 503, "the database is not available; try again shortly");
	} else {
		http_error(r, 500, "the database reported an error");
	}
}

static void compat_list(struct request *r, void *svc)
{
	struct backend *b = svc;
	cJSON *arr = cJSON_CreateArray();
	if (!arr) {
		http_error(r, 500, "out of memory");
		return;
	}
	enum db_status st = users_compat_list(&b->db, arr);
	if (st == DB_OK)
		resp_json(r, 200, arr);
	else
		api_db_failed(r, st);
	cJSON_Delete(arr);
}

enum { LIST_LIMIT, LIST_OFFSET, LIST_Q };
static const struct input_def list_in[] = {
	[LIST_LIMIT] = { .name = "limit",
	                 .src = IN_QUERY,
	                 .check = valid_int,
	                 .min = 1,
	                 .max = USERS_LIST_LIMIT_MAX,
	                 .fallback = USERS_LIST_LIMIT_DEFAULT },
	[LIST_OFFSET] = { .name = "offset",
	                  .src = IN_QUERY,
	                  .check = valid_int,
	                  .min = 0,
	                  .max = 2147483647,
	                  .fallback = "0" },
	[LIST_Q] = { .name = "q",
	             .src = IN_QUERY,
	             .check = valid_text,
	             .min = 0,
	             .max = USER_NAME_MAX_CHARS },
	{ 0 },
};

static void user_list(struct request *r, void *svc)
{
	struct backend *b = svc;
	cJSON *o = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	if (!o || !items) {
		cJSON_Delete(o);
		http_error(r, 500, "out of memory");
		return;
	}
	long long limit = r->in[LIST_LIMIT].num, offset = r->in[LIST_OFFSET].num, total = 0;
	const char *q = r->in[LIST_Q].present ? r->in[LIST_Q].str : "";
	int exact = 1;
	enum db_status st = users_list(&b->db, q, limit, offset, items, &total, &exact);
	if (st == DB_OK) {
		cJSON_AddNumberToObject(o, "total", (double)total);
		cJSON_AddBoolToObject(o, "totalExact", exact);
		cJSON_AddNumberToObject(o, "limit", (double)limit);
		cJSON_AddNumberToObject(o, "offset", (double)offset);
		resp_json(r, 200, o);
	} else {
		api_db_failed(r, st);
	}
	cJSON_Delete(o);
}

enum { ID };
static const struct input_def id_in[] = {
	[ID] = USER_ID_INPUT,
	{ 0 },
};

/* Answer 200/201 with the user as stored now. */
static void send_user(struct request *r, struct backend *b, long long id, int status)
{
	struct user u = { 0 };
	int found = 0;
	enum db_status st = users_get(&b->db, id, &u, &found);
	if (st != DB_OK) {
		api_db_failed(r, st);
		return;
	}
	if (!found) {
		http_error(r, 404, "no such user");
		return;
	}
	cJSON *o = user_to_json(&u);
	if (!o) {
		http_error(r, 500, "out of memory");
		return;
	}
	resp_json(r, status, o);
	cJSON_Delete(o);
}

static void user_show(struct request *r, void *svc)
{
	send_user(r, svc, r->in[ID].num, 200);
}

/* 409: the name is taken. The problem names the user who has it ("existing": id and
 * userName as stored), so a page can say "Bob already has it" to someone who typed
 * "bob". When that lookup fails the 409 stands without it. */
static void name_taken(struct request *r, struct backend *b, const struct input *name)
{
	char d[200];
	snprintf(d, sizeof d, "the user name \"%s\" is taken (names are compared ignoring case)",
	         name->str);
	request_add_error(r, USER_FIELD_NAME, "is taken");
	struct user holder = { 0 };
	int found = 0;
	cJSON *extra = NULL;
	if (users_get_by_name(&b->db, name->str, name->len, &holder, &found) == DB_OK && found) {
		extra = cJSON_CreateObject();
		cJSON *u = user_to_json(&holder);
		if (extra && u)
			cJSON_AddItemToObject(extra, "existing", u);
		else
			cJSON_Delete(u);
	}
	resp_problem_with(r, 409, d, extra);
	cJSON_Delete(extra);
}

enum { CREATE_NAME };
static const struct input_def create_in[] = {
	[CREATE_NAME] = USER_NAME_INPUT(IN_JSON),
	{ 0 },
};

static void user_create(struct request *r, void *svc)
{
	struct backend *b = svc;
	const struct input *name = &r->in[CREATE_NAME];
	long long id = 0;
	const struct audit_actor actor = { &r->principal, auth_request_id(r) };
	enum db_status st = users_create(&b->db, &actor, name->str, name->len, &id);
	if (st == DB_DUPLICATE) {
		name_taken(r, b, name);
		return;
	}
	if (st != DB_OK) {
		api_db_failed(r, st);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, USERS_PATH "/%lld", id);
	resp_header(r, "Location", loc);
	send_user(r, b, id, 201);
}

enum { RENAME_ID, RENAME_NAME };
static const struct input_def rename_in[] = {
	[RENAME_ID] = USER_ID_INPUT,
	[RENAME_NAME] = USER_NAME_INPUT(IN_JSON),
	{ 0 },
};

static void user_rename(struct request *r, void *svc)
{
	struct backend *b = svc;
	const struct input *name = &r->in[RENAME_NAME];
	int found = 0;
	const struct audit_actor actor = { &r->principal, auth_request_id(r) };
	enum db_status st =
	        users_rename(&b->db, &actor, r->in[RENAME_ID].num, name->str, name->len, &found);
	if (st == DB_DUPLICATE) {
		name_taken(r, b, name);
		return;
	}
	if (st != DB_OK) {
		api_db_failed(r, st);
		return;
	}
	if (!found) {
		http_error(r, 404, "no such user");
		return;
	}
	send_user(r, b, r->in[RENAME_ID].num, 200);
}

static void user_delete(struct request *r, void *svc)
{
	struct backend *b = svc;
	int found = 0;
	const struct audit_actor actor = { &r->principal, auth_request_id(r) };
	enum db_status st = users_delete(&b->db, &actor, r->in[ID].num, &found);
	if (st != DB_OK) {
		api_db_failed(r, st);
		return;
	}
	if (!found) {
		http_error(r, 404, "no such user");
		return;
	}
	resp_no_content(r);
}

static void send_status(struct request *r, int status, const char *text)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", text);
	resp_json(r, status, o);
	cJSON_Delete(o);
}

static void health(struct request *r, void *svc)
{
	(void)svc;
	send_status(r, 200, "ok");
}

static void ready(struct request *r, void *svc)
{
	struct backend *b = svc;
	enum db_status st = users_ready(&b->db);
	if (st == DB_OK) {
		send_status(r, 200, "ready");
		return;
	}
	resp_header(r, "Retry-After", "1");
	http_error(r, 503,
	           st == DB_UNAVAILABLE
	                   ? "the database is not available"
	                   : "the database is not migrated (run fcgi-backend migrate)");
}

static const struct route routes[] = {
	{ .methods = METHOD_GET, .pattern = "/backend", .handler = compat_list },
	{ .methods = METHOD_GET, .pattern = USERS_PATH, .handler = user_list, .inputs = list_in },
	{ .methods = METHOD_POST,
	  .pattern = USERS_PATH,
	  .handler = user_create,
	  .inputs = create_in,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_GET,
	  .pattern = USERS_PATH "/{id}",
	  .handler = user_show,
	  .inputs = id_in },
	{ .methods = METHOD_PATCH,
	  .pattern = USERS_PATH "/{id}",
	  .handler = user_rename,
	  .inputs = rename_in,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_DELETE,
	  .pattern = USERS_PATH "/{id}",
	  .handler = user_delete,
	  .inputs = id_in,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_POST,
	  .pattern = "/api/v1/sessions",
	  .handler = session_create,
	  .inputs = session_create_in },
	{ .methods = METHOD_POST,
	  .pattern = "/api/v1/sessions/sso",
	  .handler = session_create_sso },
	{ .methods = METHOD_GET,
	  .pattern = "/api/v1/sessions/current",
	  .handler = session_show,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_DELETE,
	  .pattern = "/api/v1/sessions/current",
	  .handler = session_delete,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_GET,
	  .pattern = "/api/v1/audit",
	  .handler = audit_page,
	  .inputs = audit_list_in,
	  .flags = ROUTE_EDITOR },
	{ .methods = METHOD_GET, .pattern = "/api/v1/health", .handler = health },
	{ .methods = METHOD_GET, .pattern = "/api/v1/ready", .handler = ready },
};

const struct http_app backend_http = {
	.name = "backend",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.max_body = HTTP_DEFAULT_MAX_BODY,
	.authenticate = backend_authenticate,
	.unauthenticated = backend_unauthenticated,
};
