/*
 * fcgi-backend: the users data service. Settings, then either a subcommand
 * (`migrate`, `recount`, `skeletons`, `editor …`, `token …` — cli.h) or the worker pool
 * serving the API routes (api.c). The
 * configuration and the service struct live in main()'s frame; the pool hands the
 * service to every worker hook and handler.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cli.h"
#include "db_grants.h"
#include "log.h"
#include "migrate.h"
#include "migrate_steps.h"
#include "pool.h"
#include "users.h"

struct backend_config {
	struct db_config db;
	struct auth_config auth;
	struct migrate_config migrate;
	struct app_user_config app_user; /* migrate only */
	struct pool_config pool;
	struct log_config log;
};

static int worker_init(void *svc)
{
	struct backend *b = svc;
	/* Not fatal: a worker without a database answers 503 and retries per request. */
	db_ensure(&b->db);
	if (b->has_read)
		db_ensure(&b->read_db);
	return 0;
}

static void worker_exit(void *svc)
{
	struct backend *b = svc;
	db_close(&b->db);
	db_close(&b->read_db);
}

static int recount(const struct db_config *cfg)
{
	struct db db;
	db_init(&db, cfg);
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

/* Fill the skeletons of names written behind the service's back (sql/005). */
static int skeletons(const struct db_config *cfg)
{
	struct db db;
	db_init(&db, cfg);
	if (db_ensure(&db) != DB_OK) {
		fprintf(stderr, "skeletons: cannot connect to the database: %s\n", db.last_error);
		return 1;
	}
	int rc = skeletons_fill(&db, "skeletons", 1);
	db_close(&db);
	return rc == 0 ? 0 : 1;
}

static int command(struct backend_config *cfg, const char *name)
{
	if (strcmp(name, "migrate") == 0) {
		char buf[4096];
		app_user_finish(&cfg->app_user, &cfg->db);
		int rc = migrate_run(&cfg->db, migrate_dir(&cfg->migrate, buf, sizeof buf),
		                     &cfg->app_user);
		app_user_free(&cfg->app_user);
		if (rc == 0 && *cfg->auth.first_editor)
			rc = cli_first_editor(&cfg->db, cfg->auth.first_editor,
			                      cfg->auth.first_editor_password_file);
		return rc;
	}
	if (strcmp(name, "recount") == 0)
		return recount(&cfg->db);
	if (strcmp(name, "skeletons") == 0)
		return skeletons(&cfg->db);
	fprintf(stderr,
	        "fcgi-backend: unknown command '%s' (migrate, recount, skeletons, editor, token)\n",
	        name);
	return 2;
}

int main(int argc, char **argv)
{
	struct backend_config cfg = { 0 };
	const struct settings_block blocks[] = {
		{ db_settings, &cfg.db },
		{ auth_settings, &cfg.auth },
		{ migrate_settings, &cfg.migrate },
		{ app_user_settings, &cfg.app_user },
		{ pool_settings, &cfg.pool },
		{ log_settings, &cfg.log },
		{ 0 },
	};
	int first = settings_load(blocks, argc, argv);
	log_start("backend", &cfg.log);
	db_config_finish(&cfg.db);
	int rc;
	if (first < argc &&
	    (strcmp(argv[first], "editor") == 0 || strcmp(argv[first], "token") == 0)) {
		rc = cli_run(&cfg.db, argc - first, argv + first);
	} else if (first + 1 < argc) {
		fprintf(stderr, "fcgi-backend: unexpected argument '%s'\n", argv[first + 1]);
		rc = 2;
	} else if (first < argc) {
		rc = command(&cfg, argv[first]);
	} else {
		struct backend b = { .auth = &cfg.auth };
		db_init(&b.db, &cfg.db);
		struct db_config read_cfg;
		b.has_read = db_config_read(&cfg.db, &read_cfg);
		db_init(&b.read_db, b.has_read ? &read_cfg : &cfg.db);
		const struct pool_app app = {
			.name = "backend",
			.svc = &b,
			.worker_init = worker_init,
			.worker_exit = worker_exit,
			.handle = http_pool_handle,
			.handler_data = &backend_http,
		};
		rc = pool_run(&app, &cfg.pool);
	}
	db_config_free(&cfg.db);
	return rc;
}
