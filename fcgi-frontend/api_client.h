/*
 * api_client: the frontend's only way to the data, the backend's HTTP API
 * (DESIGN.md "Backend API") at BACKEND_URL. One libcurl easy handle per worker, made
 * in worker_init and reused for every call, so connections stay open (keep-alive).
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

#define API_NAME_MAX 128 /* bytes: 30 characters of UTF-8 fit with room */

enum api_status {
	API_OK,
	API_NOT_FOUND,   /* 404 */
	API_CONFLICT,    /* 409: the name is taken */
	API_INVALID,     /* 400, 413, 415, 422: the input was refused */
	API_UNAVAILABLE, /* no answer in time, refused connection, or 502/503/504 */
	API_FAILED,      /* anything else: 500, an answer that is not what the API promises */
};

struct api_error {
	enum api_status status;
	long http_status; /* what the backend answered; 0 when it did not */
	char detail[256]; /* the problem's detail (or title), or the transport error */
	char field[32];   /* the first errors[].field of a 422, or "" */
	char field_message[256];
};

struct api_user {
	long long id;
	char name[API_NAME_MAX];
	char created_at[40];
};

struct api_user_page {
	struct api_user *items; /* malloc'd; api_user_page_free */
	size_t count;
	long long total, limit, offset;
	int total_exact; /* 0: the backend stopped counting at total ("1000+") */
};

/* In the master (before workers fork): curl_global_init. 0, or -1. */
int api_global_init(void);
/* In each worker: the reused handle. Timeouts in milliseconds. 0, or -1. */
int api_init(const char *base_url, long connect_timeout_ms, long timeout_ms);
void api_cleanup(void);

/* The calls. Each returns err->status (API_OK on success) and fills err otherwise. */
enum api_status api_list_users(const char *prefix, long long limit, long long offset,
                               struct api_user_page *out, struct api_error *err);
enum api_status api_get_user(long long id, struct api_user *out, struct api_error *err);
enum api_status api_create_user(const char *name, struct api_user *out, struct api_error *err);
enum api_status api_rename_user(long long id, const char *name, struct api_user *out,
                                struct api_error *err);
enum api_status api_delete_user(long long id, struct api_error *err);
void api_user_page_free(struct api_user_page *page);

/* Parsing, exposed for the unit tests. Return 0, or -1 when json is not the shape the
 * API promises. */
int api_parse_user(const char *json, struct api_user *out);
int api_parse_user_page(const char *json, struct api_user_page *out);
/* Map an HTTP status and its (problem+json, possibly empty) body to err. */
void api_map_error(long http_status, const char *body, struct api_error *err);

#endif
