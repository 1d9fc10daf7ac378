/*
 * frontend: what the page service's parts share — its configuration (the settings
 * table fills struct frontend_config), the service struct every handler gets (struct
 * frontend: the signing key, form lifetime, page size and this worker's backend
 * client) and its routes. main.c loads the settings, builds the struct frontend and
 * runs frontend_http under the pool.
 */
#ifndef FRONTEND_FRONTEND_H
#define FRONTEND_FRONTEND_H

#include "api_client.h"
#include "http.h"
#include "log.h"
#include "pool.h"
#include "settings.h"
#include "sign.h"

struct frontend_config {
	const char *backend_url;
	int backend_connect_timeout_ms, backend_timeout_ms;
	const char *secret_key, *secret_key_file;
	int dev_insecure_secret;
	int csrf_ttl;      /* seconds a form stays valid */
	int cookie_secure; /* COOKIE_SECURE: __Host- names and Secure even without TLS */
	int page_size;     /* names per list page */
	int sso;           /* SSO: single sign-on entry point /sign-in/sso */
	struct pool_config pool;
	struct log_config log;
};

/* BACKEND_URL, BACKEND_CONNECT_TIMEOUT_MS, BACKEND_TIMEOUT_MS, SECRET_KEY(_FILE),
 * DEV_INSECURE_SECRET, CSRF_TOKEN_TTL, COOKIE_SECURE, PAGE_SIZE, SSO, into a struct
 * frontend_config. */
extern const struct setting frontend_settings[];

/* The signing key from SECRET_KEY / SECRET_KEY_FILE (or, with DEV_INSECURE_SECRET=1, a
 * random one); a missing or unfit key stops the program with one line. */
void frontend_key_load(const struct frontend_config *cfg, struct sign_key *key);

/* The service: one per worker (the pool's workers each get their own copy). */
struct frontend {
	struct sign_key key;   /* SECRET_KEY: signs CSRF tokens and the flash cookie */
	long csrf_ttl;         /* CSRF_TOKEN_TTL */
	int cookie_secure;     /* COOKIE_SECURE (site_cookies.h) */
	long page_size;        /* PAGE_SIZE */
	int sso;               /* SSO */
	struct api_client api; /* this worker's backend connection (worker_init) */
};

/* The routes (pages_users.c), with the HTML error pages and the CSRF check. */
extern const struct http_app frontend_http;

#endif
