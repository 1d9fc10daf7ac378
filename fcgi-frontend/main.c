/*
 * fcgi-frontend: the page service. Loads its settings (frontend, pool and log
 * tables) and the signing key, builds the service struct in main()'s frame and runs
 * the route table under the process pool; each worker opens its own reused
 * connection to the backend API in worker_init, inside its copy of that struct.
 */
#include <stdio.h>

#include "frontend.h"

static int worker_init(void *svc)
{
	struct frontend *fe = svc;
	if (api_client_open(&fe->api) != 0) {
		log_kv(LOG_ERROR, "cannot set up the backend client", NULL);
		return -1;
	}
	return 0;
}

static void worker_exit(void *svc)
{
	struct frontend *fe = svc;
	api_client_close(&fe->api);
}

int main(int argc, char **argv)
{
	struct frontend_config cfg = { 0 };
	const struct settings_block blocks[] = {
		{ frontend_settings, &cfg },
		{ pool_settings, &cfg.pool },
		{ log_settings, &cfg.log },
		{ 0 },
	};
	int first = settings_load(blocks, argc, argv);
	if (first < argc) {
		fprintf(stderr, "fcgi-frontend: unknown command '%s' (see --help)\n", argv[first]);
		return 2;
	}
	log_start("frontend", &cfg.log);
	struct frontend fe = { .csrf_ttl = cfg.csrf_ttl,
		               .cookie_secure = cfg.cookie_secure,
		               .page_size = cfg.page_size,
		               .sso = cfg.sso };
	frontend_key_load(&cfg, &fe.key);
	if (api_client_config(&fe.api, cfg.backend_url, cfg.backend_connect_timeout_ms,
	                      cfg.backend_timeout_ms) != 0)
		settings_fail("BACKEND_URL", "too long");
	if (api_global_init() != 0) {
		fprintf(stderr, "fcgi-frontend: cannot initialise libcurl\n");
		return 1;
	}
	const struct pool_app app = {
		.name = "frontend",
		.svc = &fe,
		.worker_init = worker_init,
		.worker_exit = worker_exit,
		.handle = http_pool_handle,
		.handler_data = &frontend_http,
	};
	return pool_run(&app, &cfg.pool);
}
