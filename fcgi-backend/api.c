/*
 * api: one handler per route. Handlers read validated inputs (r->in), call users.c,
 * and turn database outcomes into answers: unavailable → 503 with Retry-After,
 * duplicate or look-alike name → 409, no id left → 507, anything else unexpected → 500.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api_auth.h"
#include "cookie.h"
#include "form_nonces.h"
#include "json_stream.h"
#include "log.h"
#include "users.h"

/* The "just wrote" cookie: nginx sets it on every write's answer (10 s), and the
 * frontend passes it on with its calls, so a client that has just written reads from
 * the primary and always sees its own change, however far the replica lags. */
#define WROTE_COOKIE          "fcgi_users_wrote"
#define REPLICA_RETRY_SECONDS 5

static long now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

static int just_wrote(const struct request *r)
{
	const char *cookies = request_header(r, "Cookie");
	char v[8];
	return cookies && (cookie_get(cookies, WROTE_COOKIE, v, sizeof v) == 0 ||
	                   cookie_get(cookies, "__Host-" WROTE_COOKIE, v, sizeof v) == 0);
}

/* Where a read goes: the replica, unless there is none, the client has just written,
 * or the replica failed in the last few seconds (then the primary serves: reads go on). */
static struct db *backend_reader(struct backend *b, const struct request *r)
{
	if (!b->has_read || just_wrote(r) || now_seconds() < b->read_down_until)
		return &b->db;
	if (db_ensure(&b->read_db) != DB_OK) {
		log_kv(LOG_WARN, "read replica unavailable; reading from the primary", "error",
		       b->read_db.last_error, NULL);
		b->read_down_until = now_seconds() + REPLICA_RETRY_SECONDS;
		return &b->db;
	}
	return &b->read_db;
}

void api_db_failed(struct request *r, enum db_status st)
{
	if (st == DB_UNAVAILABLE) {
		resp_header(r, "Retry-After", "1");
		http_error(r, 503, "the database is not available; try again shortly");
	} else if (st == DB_FULL) {
		/* Ids are never reused: a full id range needs the operator, not a retry. */
		http_error(r, 507,
		           "no user id is left: every id up to " USER_ID_MAX_TEXT " has been "
		           "used (ids are never reused); the operator must widen the id column");
	} else {
		http_error(r, 500, "the database reported an error");
	}
}

/* 409: the name is taken, or looks like one that is (its confusable skeleton is taken,
 * name_rules.h). The problem names the user who has it ("existing": id and userName as
 * stored), so a page can say "Bob already has it" to someone who typed "bob" or "Воb".
 * When that lookup fails the 409 stands without it. */
static void name_taken(struct request *r, struct db *db, const struct input *name)
{
	struct user holder = { 0 };
	enum users_clash clash = USERS_CLASH_NONE;
	if (users_holder(db, name->str, name->len, &holder, &clash) != DB_OK)
		clash = USERS_CLASH_NONE;
	int lookalike = clash == USERS_CLASH_LOOKALIKE;
	char d[240];
	snprintf(d, sizeof d, "the user name \"%s\" %s", name->str,
	         lookalike ? "looks like one that is taken"
	                   : "is taken (names are compared ignoring case)");
	request_add_error(r, USER_FIELD_NAME,
	                  lookalike ? "looks like a name that is taken" : "is taken");
	cJSON *extra = NULL;
	if (clash != USERS_CLASH_NONE) {
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

/* The form nonce a page's write carries (FORM_NONCE_HEADER; none from other clients)
 * into n; 0, or after answering 400 for a malformed one, -1. */
int api_form_nonce(struct request *r, struct form_nonce *n)
{
	if (form_nonce_parse(request_header(r, FORM_NONCE_HEADER), n) == 0)
		return 0;
	request_add_error(r, FORM_NONCE_HEADER,
	                  "must be NONCE.EXPIRY (32 hex digits, a Unix time)");
	http_error(r, 400, "the " FORM_NONCE_HEADER " header is malformed");
	return -1;
}

void api_form_sent(struct request *r)
{
	cJSON *extra = cJSON_CreateObject();
	if (extra) {
		cJSON_AddStringToObject(extra, "type", FORM_SENT_PROBLEM);
		cJSON_AddStringToObject(extra, "title", "Form already sent");
	}
	resp_problem_with(r, 409,
	                  "this form was already sent: its write was made once and is not made "
	                  "again (a form token is one-use)",
	                  extra);
	cJSON_Delete(extra);
}

/* Answer what went wrong with a lookup or a write: 409 (the name is taken; name NULL
 * when the call takes none; or the form was sent already), 503/500 (the database), 404
 * (no such user). Returns 1 when it answered, 0 when the handler goes on. */
static int answered_failure(struct request *r, struct db *db, enum db_status st, int found,
                            const struct input *name)
{
	if (st == DB_SPENT) {
		api_form_sent(r);
		return 1;
	}
	if (st == DB_DUPLICATE && name) {
		name_taken(r, db, name);
		return 1;
	}
	if (st != DB_OK) {
		api_db_failed(r, st);
		return 1;
	}
	if (!found) {
		http_error(r, 404, "no such user");
		return 1;
	}
	return 0;
}

/* GET /backend: every user, streamed as the rows come (json_stream), so a worker's
 * memory does not grow with the table. The status goes out with the first row: a
 * database that fails before it is still a 503; one that fails after it cuts the
 * answer off (resp_stream_abort). */
struct compat_out {
	struct request *r;
	unsigned long rows;
	struct json_stream js;
};

static int compat_row(const struct db_row *row, void *arg)
{
	struct compat_out *o = arg;
	if (o->rows++ == 0) {
		resp_stream_begin(o->r, 200, "application/json");
		json_stream_raw(&o->js,
		                "[{\"" USER_FIELD_NAME "\":", 3 + strlen(USER_FIELD_NAME) + 2);
	} else {
		json_stream_raw(&o->js,
		                "},{\"" USER_FIELD_NAME "\":", 4 + strlen(USER_FIELD_NAME) + 2);
	}
	json_stream_string(&o->js, row->col[0].s);
	return o->js.failed; /* the client went away: read no more */
}

static void compat_list(struct request *r, void *svc)
{
	struct backend *b = svc;
	static struct compat_out o; /* 16 KiB of buffer: not on the stack */
	o.r = r;
	o.rows = 0;
	json_stream_init(&o.js, resp_stream_write, r);
	enum db_status st = users_compat_each(backend_reader(b, r), compat_row, &o);
	if (o.rows == 0) {
		if (st == DB_OK)
			resp_send(r, 200, "application/json", "[]", 2);
		else
			api_db_failed(r, st);
		return;
	}
	if (st == DB_OK) {
		json_stream_raw(&o.js, "}]", 2);
		json_stream_flush(&o.js);
	}
	if (st != DB_OK || o.js.failed) {
		log_kv(LOG_WARN, "GET /backend cut off", "rows",
		       st == DB_OK ? "client" : "database", NULL);
		resp_stream_abort(r);
	}
}

enum { LIST_LIMIT, LIST_OFFSET, LIST_Q, LIST_AFTER, LIST_SORT };
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
	             .check = valid_name_prefix,
	             .min = 0,
	             .max = USER_NAME_MAX_CHARS },
	[LIST_AFTER] = { .name = "after",
	                 .src = IN_QUERY,
	                 .check = valid_text,
	                 .min = 1,
	                 .max = CURSOR_TEXT_MAX - 1 },
	[LIST_SORT] = { .name = "sort", .src = IN_QUERY, .check = valid_text, .min = 1, .max = 8 },
	{ 0 },
};

/* The answer is written into one buffer with json_stream (no tree, no allocation per
 * user): a page of 100 users is well under 64 KiB. */
static char page_buf[65536];
struct page_out {
	size_t len;
	struct json_stream js;
	unsigned long users;
};

static int page_write(void *h, const char *p, int n)
{
	struct page_out *o = h;
	if ((size_t)n > sizeof page_buf - o->len)
		return -1;
	memcpy(page_buf + o->len, p, (size_t)n);
	o->len += (size_t)n;
	return n;
}

static void json_int(struct json_stream *js, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", v);
	json_stream_raw(js, num, (size_t)n);
}

#define JSON_KEY(js, key) json_stream_raw((js), "\"" key "\":", sizeof(key) + 2)

static int page_user(const struct user *u, void *arg)
{
	struct page_out *o = arg;
	struct json_stream *js = &o->js;
	if (o->users++)
		json_stream_raw(js, ",", 1);
	json_stream_raw(js, "{", 1);
	JSON_KEY(js, USER_FIELD_ID);
	json_int(js, u->id);
	json_stream_raw(js, ",", 1);
	JSON_KEY(js, USER_FIELD_NAME);
	json_stream_string(js, u->name);
	json_stream_raw(js, ",", 1);
	JSON_KEY(js, USER_FIELD_CREATED);
	json_stream_string(js, u->created);
	json_stream_raw(js, "}", 1);
	return js->failed;
}

/* A query that cannot be answered cheaply or at all: 400 naming the parameter. */
static void list_refused(struct request *r, const char *field, const char *why)
{
	request_add_error(r, field, "%s", why);
	http_error(r, 400, "the query has invalid parameters");
}

static void user_list(struct request *r, void *svc)
{
	struct backend *b = svc;
	struct users_list_query q = {
		.prefix = r->in[LIST_Q].present ? r->in[LIST_Q].str : "",
		.limit = r->in[LIST_LIMIT].num,
		.offset = r->in[LIST_OFFSET].num,
	};
	int by_prefix = *q.prefix != '\0';
	q.order = by_prefix ? ORDER_NAME : ORDER_ID;
	if (r->in[LIST_SORT].present) {
		int o = list_order_parse(r->in[LIST_SORT].str);
		if (o < 0) {
			list_refused(r, "sort", "must be id, -id, name or -name");
			return;
		}
		q.order = (enum list_order)o;
	}
	if (by_prefix && q.order != ORDER_NAME && q.order != ORDER_NAME_DESC) {
		list_refused(r, "sort", "with q the list is ordered by name: name or -name");
		return;
	}
	if (q.offset > USERS_LIST_OFFSET_MAX) {
		list_refused(r, "offset",
		             "must be at most " USERS_LIST_OFFSET_MAX_TEXT
		             ": to go further, follow the answer's next (after=)");
		return;
	}
	struct cursor after;
	if (r->in[LIST_AFTER].present) {
		if (q.offset > 0) {
			list_refused(r, "after", "cannot be used with offset");
			return;
		}
		if (cursor_decode(r->in[LIST_AFTER].str, &after) != 0) {
			list_refused(r, "after", "is not a cursor from a list's next");
			return;
		}
		if (after.order != q.order) {
			list_refused(r, "after", "is a cursor of another sort");
			return;
		}
		q.after = &after;
	}
	static struct page_out o;
	o.len = 0;
	o.users = 0;
	json_stream_init(&o.js, page_write, &o);
	json_stream_raw(&o.js, "{\"items\":[", 10);
	struct users_list_result res;
	enum db_status st = users_list(backend_reader(b, r), &q, page_user, &o, &res);
	if (st != DB_OK) {
		api_db_failed(r, st);
		return;
	}
	struct json_stream *js = &o.js;
	json_stream_raw(js, "],", 2);
	JSON_KEY(js, "total");
	json_int(js, res.total);
	json_stream_raw(js, ",", 1);
	JSON_KEY(js, "totalExact");
	json_stream_raw(js, res.exact ? "true," : "false,", res.exact ? 5 : 6);
	JSON_KEY(js, "limit");
	json_int(js, q.limit);
	if (!q.after) {
		json_stream_raw(js, ",", 1);
		JSON_KEY(js, "offset");
		json_int(js, q.offset);
	}
	json_stream_raw(js, ",", 1);
	JSON_KEY(js, "next");
	char next[CURSOR_TEXT_MAX];
	if (res.has_next && cursor_encode(&res.next, next, sizeof next) == 0)
		json_stream_string(js, next);
	else
		json_stream_raw(js, "null", 4);
	json_stream_raw(js, "}", 1);
	if (json_stream_flush(js) != 0) {
		http_error(r, 500, "the answer is larger than its buffer");
		return;
	}
	resp_send(r, 200, "application/json", page_buf, o.len);
}

enum { ID };
static const struct input_def id_in[] = {
	[ID] = USER_ID_INPUT,
	{ 0 },
};

/* Answer 200/201 with the user as stored now. */
static void send_user(struct request *r, struct db *db, long long id, int status)
{
	struct user u = { 0 };
	int found = 0;
	enum db_status st = users_get(db, id, &u, &found);
	if (answered_failure(r, db, st, found, NULL))
		return;
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
	struct backend *b = svc;
	send_user(r, backend_reader(b, r), r->in[ID].num, 200);
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
	struct form_nonce nonce;
	if (api_form_nonce(r, &nonce) != 0)
		return;
	const struct audit_actor actor = { &r->principal, auth_request_id(r) };
	enum db_status st = users_create(&b->db, &actor, &nonce, name->str, name->len, &id);
	if (answered_failure(r, &b->db, st, 1, name))
		return;
	char loc[64];
	snprintf(loc, sizeof loc, USERS_PATH "/%lld", id);
	resp_header(r, "Location", loc);
	send_user(r, &b->db, id, 201); /* the primary: it has the write */
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
	struct form_nonce nonce;
	if (api_form_nonce(r, &nonce) != 0)
		return;
	const struct audit_actor actor = { &r->principal, auth_request_id(r) };
	enum db_status st = users_rename(&b->db, &actor, &nonce, r->in[RENAME_ID].num, name->str,
	                                 name->len, &found);
	if (answered_failure(r, &b->db, st, found, name))
		return;
	send_user(r, &b->db, r->in[RENAME_ID].num, 200);
}

static void user_delete(struct request *r, void *svc)
{
	struct backend *b = svc;
	int found = 0;
	struct form_nonce nonce;
	if (api_form_nonce(r, &nonce) != 0)
		return;
	const struct audit_actor actor = { &r->principal, auth_request_id(r) };
	enum db_status st = users_delete(&b->db, &actor, &nonce, r->in[ID].num, &found);
	if (answered_failure(r, &b->db, st, found, NULL))
		return;
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
