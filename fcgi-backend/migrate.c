/*
 * migrate: the migration runner behind `fcgi-backend migrate` and `make migrate`.
 * MySQL commits DDL as it goes, so a migration cannot be rolled back as a whole:
 * migrations are written so that each does its risky change in one statement
 * after its checks, and a failure leaves the version unrecorded to be fixed and rerun.
 */
#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db_grants.h"
#include "log.h"

const struct setting migrate_settings[] = {
	{ .name = "MIGRATIONS_DIR",
	  .set = setting_text,
	  .fallback = "",
	  .offset = offsetof(struct migrate_config, dir),
	  .help = "directory of NNN_name.sql files; empty: <prefix>/share/fcgi-users/sql or "
	          "./sql" },
	{ 0 },
};

/* The runner's own bookkeeping statements (the migrations themselves are not prepared:
 * db_script_*). */
enum { ST_LOCK, ST_UNLOCK, ST_CREATE_TABLE, ST_APPLIED, ST_RECORD, ST__MAX };
static const struct db_stmt migrate_sql[ST__MAX] = {
	[ST_LOCK] = { .sql = "SELECT GET_LOCK('fcgi-users.migrate', 120)", .cols = "i" },
	[ST_UNLOCK] = { .sql = "SELECT RELEASE_LOCK('fcgi-users.migrate')", .cols = "i" },
	[ST_CREATE_TABLE] = { .sql = "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                             " version INT UNSIGNED NOT NULL PRIMARY KEY,"
	                             " name VARCHAR(255) NOT NULL,"
	                             " appliedAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
	                             ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
	                             "COLLATE=utf8mb4_bin" },
	[ST_APPLIED] = { .sql = "SELECT version FROM schema_migrations", .cols = "i" },
	[ST_RECORD] = { .sql = "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
	                .params = "is" },
};

const char *migrate_dir(const struct migrate_config *cfg, char *buf, size_t len)
{
	if (*cfg->dir)
		return cfg->dir;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/../share/fcgi-users/sql", exe);
			if (access(buf, R_OK) == 0)
				return buf;
		}
	}
	return "sql";
}

struct migration {
	unsigned version;
	char name[256];
};

static int cmp_migration(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return x->version < y->version ? -1 : x->version > y->version;
}

/* The NNN_name.sql files of dir, sorted. Returns the count, or -1. */
static int list_migrations(const char *dir, struct migration **out)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "migrate: cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct migration *v = NULL;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *end;
		unsigned long ver = strtoul(e->d_name, &end, 10);
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || end == e->d_name ||
		    *end != '_' || len >= sizeof v->name)
			continue;
		struct migration *nv = realloc(v, (size_t)(n + 1) * sizeof *v);
		if (!nv) {
			free(v);
			closedir(d);
			return -1;
		}
		v = nv;
		v[n].version = (unsigned)ver;
		snprintf(v[n].name, sizeof v[n].name, "%s", e->d_name);
		n++;
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof *v, cmp_migration);
	for (int i = 1; i < n; i++)
		if (v[i].version == v[i - 1].version) {
			fprintf(stderr, "migrate: %s and %s have the same number\n", v[i - 1].name,
			        v[i].name);
			free(v);
			return -1;
		}
	*out = v;
	return n;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t k = fread(buf + len, 1, 4096, f);
		len += k;
		if (k < 4096)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* Print every row of a check statement's result, counting them. */
static int print_row(const struct db_row *row, void *arg)
{
	fprintf(stderr, "  ");
	for (unsigned i = 0; i < row->ncols; i++)
		fprintf(stderr, "%s%s", i ? " | " : "",
		        row->col[i].is_null ? "NULL" : row->col[i].s);
	fprintf(stderr, "\n");
	(*(int *)arg)++;
	return 0;
}

/* Run one statement of a migration. Returns 0 or -1 (message printed). */
static int run_statement(struct db *db, const char *sql, const char *abort_msg, const char *file)
{
	if (!abort_msg) {
		if (db_script_exec(db, sql) != DB_OK) {
			fprintf(stderr, "migrate: %s failed: %s\nstatement:\n%s\n", file,
			        db->last_error, sql);
			return -1;
		}
		return 0;
	}
	/* A check returns a description of each offending row. */
	int rows = 0;
	if (db_script_query(db, sql, print_row, &rows) != DB_OK) {
		fprintf(stderr, "migrate: %s: check failed: %s\nstatement:\n%s\n", file,
		        db->last_error, sql);
		return -1;
	}
	if (rows > 0) {
		fprintf(stderr, "migrate: %s stopped, nothing changed: %s (%d listed above)\n",
		        file, abort_msg, rows);
		return -1;
	}
	return 0;
}

/* Split text into statements (';' ending a line) and run them. */
static int apply_file(struct db *db, const char *path, const char *file)
{
	char *text = read_file(path);
	if (!text) {
		fprintf(stderr, "migrate: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *stmt = NULL;
	size_t slen = 0;
	char abort_msg[512] = "";
	int rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		if (strncmp(t, "--", 2) == 0) {
			const char *dir = strstr(t, "@abort-if-rows:");
			if (dir && !stmt) {
				dir += strlen("@abort-if-rows:");
				while (*dir == ' ')
					dir++;
				snprintf(abort_msg, sizeof abort_msg, "%s", dir);
			}
			continue;
		}
		if (!*t && !stmt)
			continue;
		size_t ll = strlen(line);
		char *ns = realloc(stmt, slen + ll + 2);
		if (!ns) {
			rc = -1;
			break;
		}
		stmt = ns;
		memcpy(stmt + slen, line, ll);
		slen += ll;
		stmt[slen++] = '\n';
		stmt[slen] = '\0';
		/* Does the line end the statement? */
		while (ll > 0 &&
		       (line[ll - 1] == ' ' || line[ll - 1] == '\t' || line[ll - 1] == '\r'))
			ll--;
		if (ll > 0 && line[ll - 1] == ';') {
			char *semi = strrchr(stmt, ';');
			*semi = '\0';
			rc = run_statement(db, stmt, abort_msg[0] ? abort_msg : NULL, file);
			abort_msg[0] = '\0';
			free(stmt);
			stmt = NULL;
			slen = 0;
		}
	}
	if (rc == 0 && stmt) {
		fprintf(stderr, "migrate: %s: the last statement does not end with ';'\n", file);
		rc = -1;
	}
	free(stmt);
	free(text);
	return rc;
}

static int collect_version(const struct db_row *row, void *arg)
{
	unsigned char *applied = arg;
	if (row->col[0].i >= 0 && row->col[0].i < 100000)
		applied[row->col[0].i] = 1;
	return 0;
}

static int take_int(const struct db_row *row, void *arg)
{
	*(long long *)arg = row->col[0].is_null ? -1 : row->col[0].i;
	return 0;
}

int migrate_run(const struct db_config *cfg, const char *dir, const struct app_user_config *app)
{
	struct migration *ms = NULL;
	int n = list_migrations(dir, &ms);
	if (n < 0)
		return 1;
	struct db db;
	db_init(&db, cfg);
	if (db_ensure(&db) != DB_OK) {
		fprintf(stderr, "migrate: cannot connect to the database: %s\n", db.last_error);
		free(ms);
		return 1;
	}
	const char *cipher = mysql_get_ssl_cipher(db.conn);
	printf("migrate: connected (%s%s)\n", cipher ? "TLS " : "no TLS", cipher ? cipher : "");
	static unsigned char applied[100000];
	memset(applied, 0, sizeof applied);
	int rc = 1;
	long long locked = 0;
	if (db_query(&db, &migrate_sql[ST_LOCK], NULL, take_int, &locked) != DB_OK || locked != 1) {
		fprintf(stderr, "migrate: could not take the migration lock: %s\n",
		        locked == 1 ? db.last_error : "another migration is running");
		goto out;
	}
	if (db_exec(&db, &migrate_sql[ST_CREATE_TABLE], NULL, NULL) != DB_OK ||
	    db_query(&db, &migrate_sql[ST_APPLIED], NULL, collect_version, applied) != DB_OK) {
		fprintf(stderr, "migrate: schema_migrations: %s\n", db.last_error);
		goto out;
	}
	int done = 0;
	for (int i = 0; i < n; i++) {
		if (ms[i].version < sizeof applied && applied[ms[i].version])
			continue;
		if (ms[i].version >= sizeof applied) {
			fprintf(stderr, "migrate: %s: number too large\n", ms[i].name);
			goto out;
		}
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, ms[i].name);
		if (apply_file(&db, path, ms[i].name) != 0)
			goto out;
		const struct db_param p[] = { DB_INT(ms[i].version),
			                      DB_TEXT(ms[i].name, strlen(ms[i].name)) };
		if (db_exec(&db, &migrate_sql[ST_RECORD], p, NULL) != DB_OK) {
			fprintf(stderr, "migrate: recording %s: %s\n", ms[i].name, db.last_error);
			goto out;
		}
		printf("migrate: applied %s\n", ms[i].name);
		done++;
	}
	printf("migrate: %s (%d applied now, %d known)\n", done ? "done" : "up to date", done, n);
	/* The app user last: its grants name the tables the migrations just made. */
	if (app && *app->user && db_grants_apply(&db, app) != 0)
		goto out;
	rc = 0;
out:
	if (locked == 1 && db.conn)
		db_query(&db, &migrate_sql[ST_UNLOCK], NULL, take_int, &locked);
	db_close(&db);
	free(ms);
	return rc;
}
