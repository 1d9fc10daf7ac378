/*
 * fcgi-backend: the users data service. Settings, then either a subcommand
 * (`migrate`, `recount`) or the worker pool serving the API routes (api.c).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "migrate.h"
#include "pool.h"
#include "users.h"

static struct db_config cfg;
static struct backend backend;

static int worker_init(void *ctx)
{
	(void)ctx;
	db_init(&backend.db, &cfg);
	/* Not fatal: a worker without a database answers 503 and retries per request. */
	db_ensure(&backend.db);
	return 0;
}

static void worker_exit(void *ctx)
{
	(void)ctx;
	db_close(&backend.db);
}

static int recount(void)
{
	struct db db;
	db_init(&db, &cfg);
	long long total = 0;
	enum db_status st = users_recount(&db, &total);
	db_close(&db);
	if (st != DB_OK) {
		fprintf(stderr, "recount: %s\n", db.last_error);
		return 1;
	}
	printf("recount: %lld users\n", total);
	return 0;
}

int main(int argc, char **argv)
{
	const struct setting_def *const tables[] = { db_settings, migrate_settings, pool_settings,
		                                     log_settings, NULL };
	int first = settings_load("fcgi-backend", tables, argc, argv);
	log_init_from_settings("backend");
	if (db_config_load("fcgi-backend", &cfg) != 0)
		return 2;
	int rc;
	if (first < argc) {
		if (first + 1 != argc) {
			fprintf(stderr, "fcgi-backend: unexpected argument '%s'\n",
			        argv[first + 1]);
			rc = 2;
		} else if (strcmp(argv[first], "migrate") == 0) {
			char buf[4096];
			rc = migrate_run(&cfg, migrate_default_dir(buf, sizeof buf));
		} else if (strcmp(argv[first], "recount") == 0) {
			rc = recount();
		} else {
			fprintf(stderr, "fcgi-backend: unknown command '%s' (migrate, recount)\n",
			        argv[first]);
			rc = 2;
		}
	} else {
		struct http_pool_ctx hctx = { &backend_app, &backend };
		struct pool_app app = { "backend", worker_init, worker_exit, http_pool_handle,
			                &hctx };
		rc = pool_run(&app);
	}
	db_config_free(&cfg);
	return rc;
}
