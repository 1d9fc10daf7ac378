/*
 * api_client: the frontend's only way to the data, the backend's HTTP API
 * (DESIGN.md "Backend API") at BACKEND_URL. One libcurl easy handle per worker, in
 * the worker's struct api_client (part of the service struct), opened in worker_init
 * and reused for every call, so connections stay open (keep-alive).
 * Connect and total timeouts are short: a backend that is down or stuck gives
 * API_UNAVAILABLE quickly instead of a hung page.
 *
 * Answers are mapped to what a page needs: the users, or an api_error whose status
 * says which page to show and whose detail / field message comes from the backend's
 * problem+json.
 */
#ifndef FRONTEND_API_CLIENT_H
#define FRONTEND_API_CLIENT_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "fcgi_client.h"
#include "principal.h"
#include "request.h"
#include "users_contract.h"

enum api_status {
	API_OK,
	API_NOT_FOUND,    /* 404 */
	API_CONFLICT,     /* 409: the name is taken, or looks like one that is */
	API_REPLAYED,     /* 409 FORM_SENT_PROBLEM: this form's write was made already */
	API_FULL,         /* 507: no user id is left */
	API_INVALID,      /* 400, 413, 415, 422: the input was refused */
	API_UNAVAILABLE,  /* no answer in time, refused connection, or 502/503/504 */
	API_UNAUTHORIZED, /* 401: no session, or one the backend no longer knows */
	API_FORBIDDEN,    /* 403 */
	API_THROTTLED,    /* 429: retry_after seconds */
	API_FAILED,       /* anything else: 500, an answer that is not what the API promises */
};

struct api_error {
	enum api_status status;
	long http_status; /* what the backend answered; 0 when it did not */
	char detail[256]; /* the problem's detail (or title), or the transport error */
	char field[32];   /* the first errors[].field of a 422, or "" */
	char field_message[256];
	long retry_after; /* the answer's Retry-After (seconds), 0 when none */
	/* A 409's "existing": the user who already has the name (id 0 when not said). */
	long long holder_id;
	char holder_name[USER_NAME_MAX_BYTES + 1];
};

struct api_user {
	long long id;
	char name[USER_NAME_MAX_BYTES + 1];
	char created_at[40];
};

struct api_user_page {
	struct api_user *items; /* malloc'd; api_user_page_free */
	size_t count;
	long long total, limit, offset;
	int total_exact; /* 0: the backend stopped counting at total ("1000+") */
	char next[256];  /* the cursor of the page after this one ("" on the last page) */
};

/* Which page of the list: from offset, or after a cursor (a page's next); in sort
 * ("id", "-id", "name", "-name"; NULL: the API's default); prefix "" for everyone. */
struct api_list_query {
	const char *prefix;
	const char *sort;
	const char *after;
	long long limit, offset;
};

/* One worker's client of the backend. */
struct api_client {
	char base[1024];         /* BACKEND_URL without a trailing slash */
	long connect_timeout_ms; /* BACKEND_CONNECT_TIMEOUT_MS */
	long timeout_ms;         /* BACKEND_TIMEOUT_MS */
	CURL *curl;              /* http://: NULL until api_client_open */
	/* fcgi://: the backend pool straight, a new connection per call (fcgi_client.h);
	 * the answer's buffers are kept for the worker's life. */
	int fcgi;
	struct fcgi_target target;
	struct fcgi_reply reply;
	/* The page being served comes from a client that has just written (the "just
	 * wrote" cookie), or this request wrote: its reads must see the write, so the
	 * calls carry the cookie and the backend reads from the primary. */
	int wrote;
	/* The credentials of the request being served (api_client_act_for): the editor's
	 * session token, sent as Authorization: Bearer; "" for an anonymous visitor. */
	char bearer[PRINCIPAL_CREDENTIAL_MAX + 1];
	/* For the single sign-on call only (api_auth_client.h): over http:// the browser's
	 * Cookie header, so that nginx asks the authenticating proxy itself; over fcgi://
	 * the editor nginx named to this frontend, passed on as the same SSO_USER param. */
	const char *forward_cookie;
	const char *sso_user;
	/* The accepted form's nonce and expiry ("NONCE.EXPIRY", users_contract.h), sent
	 * as FORM_NONCE_HEADER with the request's first write and then forgotten: the
	 * backend spends it with that write, so the form cannot write twice. "" for none. */
	char form_nonce[FORM_NONCE_VALUE_MAX];
};

/* Act for p (its credential, if any) on the calls made for the current request; no
 * form nonce until api_client_spend_form. Called for every routed request. */
void api_client_act_for(struct api_client *c, const struct principal *p);
/* The form this request posts was accepted with this nonce (CSRF_NONCE_LEN hex digits)
 * and expiry: the request's first write carries them (csrf.h "One use"). */
void api_client_spend_form(struct api_client *c, const char *nonce, long long expiry);

/* In the master (before workers fork): curl_global_init. 0, or -1. */
int api_global_init(void);
/* Where and how long (milliseconds): in the master, before the fork. BACKEND_URL is
 * http(s)://… (through nginx, libcurl) or fcgi://unix:/path, fcgi://host:port (the pool
 * straight). 0, or -1 when the URL is too long or not a valid fcgi:// address. */
int api_client_config(struct api_client *c, const char *base_url, long connect_timeout_ms,
                      long timeout_ms);
/* In each worker: the reused handle. 0, or -1. */
int api_client_open(struct api_client *c);
void api_client_close(struct api_client *c);
/* At the start of each request: what this request's calls must carry (the "just wrote"
 * cookie of the browser's request). */
void api_client_bind(struct api_client *c, const struct request *r);

/* The calls. Each returns err->status (API_OK on success) and fills err otherwise. */
enum api_status api_list_users(struct api_client *c, const struct api_list_query *q,
                               struct api_user_page *out, struct api_error *err);
enum api_status api_get_user(struct api_client *c, long long id, struct api_user *out,
                             struct api_error *err);
enum api_status api_create_user(struct api_client *c, const char *name, struct api_user *out,
                                struct api_error *err);
enum api_status api_rename_user(struct api_client *c, long long id, const char *name,
                                struct api_user *out, struct api_error *err);
enum api_status api_delete_user(struct api_client *c, long long id, struct api_error *err);
void api_user_page_free(struct api_user_page *page);

/* One call (api_auth_client.c builds on it): method path [json body], expecting
 * status want and parsing the answer with parse (may be NULL) into out. */
enum api_status api_call_json(struct api_client *c, const char *method, const char *path,
                              const char *json, long want, int (*parse)(const char *, void *),
                              void *out, struct api_error *err);

/* Parsing, exposed for the unit tests. Return 0, or -1 when json is not the shape the
 * API promises. */
int api_parse_user(const char *json, struct api_user *out);
int api_parse_user_page(const char *json, struct api_user_page *out);
/* A list answer's "items" array, with its root in *root for the caller to free; NULL
 * (nothing to free) when json is not an object with an array of items. */
cJSON *api_parse_items(const char *json, cJSON **root);
/* Map an HTTP status and its (problem+json, possibly empty) body to err. */
void api_map_error(long http_status, const char *body, struct api_error *err);

#endif
