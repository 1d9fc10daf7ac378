/*
 * frontend: what the page service's parts share — its per-process configuration
 * (the signing key, token lifetime, page size), its settings table, its route table
 * and the page handlers the routes name. main.c loads the settings into a struct
 * frontend and runs frontend_app under the pool.
 */
#ifndef FRONTEND_FRONTEND_H
#define FRONTEND_FRONTEND_H

#include "http.h"
#include "settings.h"
#include "sign.h"

struct frontend {
	struct sign_key key; /* SECRET_KEY: signs CSRF tokens and the flash cookie */
	long csrf_ttl;       /* CSRF_TOKEN_TTL: seconds a form stays valid */
	long page_size;      /* PAGE_SIZE: names per list page */
};

/* BACKEND_URL, BACKEND_CONNECT_TIMEOUT_MS, BACKEND_TIMEOUT_MS, SECRET_KEY(_FILE),
 * DEV_INSECURE_SECRET, CSRF_TOKEN_TTL, PAGE_SIZE. */
extern const struct setting_def frontend_settings[];

/* The routes and the HTML error renderer, for http_serve / http_pool_handle. */
extern const struct http_app frontend_app;

/* Indexes into r->in for each route's inputs (routes.c declares the tables). */
enum { LIST_Q, LIST_PAGE };
enum { NEW_USER_NAME, NEW_CSRF };
enum { SHOW_ID };
enum { RENAME_ID, RENAME_USER_NAME, RENAME_CSRF };
enum { DELETE_ID, DELETE_CSRF };

/* The page handlers (pages_users.c); ctx is the struct frontend. */
void page_list(struct request *r, void *ctx);
void page_new(struct request *r, void *ctx);
void page_create(struct request *r, void *ctx);
void page_show(struct request *r, void *ctx);
void page_rename(struct request *r, void *ctx);
void page_confirm_delete(struct request *r, void *ctx);
void page_delete(struct request *r, void *ctx);

#endif
