/*
 * fcgi-frontend: the page service. Loads its settings (frontend, pool and log
 * tables), the signing key, and runs the route table under the process pool; each
 * worker opens its own reused connection to the backend API.
 *
 * SECRET_KEY (or SECRET_KEY_FILE) is required. A local run may set
 * DEV_INSECURE_SECRET=1 instead, which makes a random key at each start (forms open
 * across a restart then stop working; that is the price of not configuring a key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_client.h"
#include "frontend.h"
#include "log.h"
#include "pool.h"

static const char prog[] = "fcgi-frontend";
static struct frontend fe;

static int worker_init(void *ctx)
{
	(void)ctx;
	if (api_init(settings_str("BACKEND_URL"), settings_long("BACKEND_CONNECT_TIMEOUT_MS"),
	             settings_long("BACKEND_TIMEOUT_MS")) != 0) {
		log_kv(LOG_ERROR, "cannot set up the backend client", NULL);
		return -1;
	}
	return 0;
}

static void worker_exit(void *ctx)
{
	(void)ctx;
	api_cleanup();
}

static void load_key(void)
{
	char *secret = settings_secret(prog, "SECRET_KEY");
	if (!secret)
		exit(2);
	if (!*secret) {
		free(secret);
		if (settings_long("DEV_INSECURE_SECRET") != 1) {
			fprintf(stderr,
			        "%s: setting SECRET_KEY: required (or SECRET_KEY_FILE; "
			        "DEV_INSECURE_SECRET=1 for a throwaway key in local runs)\n",
			        prog);
			exit(2);
		}
		char random[65];
		if (sign_random_hex(random, 32) != 0) {
			fprintf(stderr, "%s: cannot make a random key\n", prog);
			exit(2);
		}
		log_kv(LOG_WARN, "DEV_INSECURE_SECRET=1: using a random SECRET_KEY for this run",
		       NULL);
		secret = strdup(random);
		if (!secret)
			exit(2);
	}
	if (strlen(secret) < 32 || sign_key_set(&fe.key, secret) != 0) {
		fprintf(stderr, "%s: setting SECRET_KEY: must be 32 to 256 characters\n", prog);
		exit(2);
	}
	memset(secret, 0, strlen(secret));
	free(secret);
}

int main(int argc, char **argv)
{
	const struct setting_def *const tables[] = { frontend_settings, pool_settings, log_settings,
		                                     NULL };
	int first = settings_load(prog, tables, argc, argv);
	if (first < argc) {
		fprintf(stderr, "%s: unknown command '%s' (see --help)\n", prog, argv[first]);
		return 2;
	}
	log_init_from_settings("frontend");
	load_key();
	fe.csrf_ttl = settings_long("CSRF_TOKEN_TTL");
	fe.page_size = settings_long("PAGE_SIZE");
	if (api_global_init() != 0) {
		fprintf(stderr, "%s: cannot initialise libcurl\n", prog);
		return 1;
	}
	static struct http_pool_ctx hctx;
	hctx.app = &frontend_app;
	hctx.service_ctx = &fe;
	const struct pool_app app = {
		.name = "frontend",
		.worker_init = worker_init,
		.worker_exit = worker_exit,
		.handle = http_pool_handle,
		.ctx = &hctx,
	};
	return pool_run(&app);
}
