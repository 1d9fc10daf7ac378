/*
 * migrate_steps: see migrate_steps.h. The user-name steps read every row once, in id
 * order; the check keeps (id, name, skeleton) of each in memory to sort them by
 * skeleton (some 60 bytes a row: 60 MB at a million users, once, in the migration
 * Job); the fill works in batches of BACKFILL_BATCH rows in id order, so a stopped
 * run resumes where it was (it fills only rows still NULL).
 */
#include "migrate_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name_rules.h"

#define BACKFILL_BATCH "500" /* rows a transaction (text: it is part of the SQL) */

enum { ST_ALL_NAMES, ST_PENDING, ST_SET_SKELETON, ST__MAX };
static const struct db_stmt steps_sql[ST__MAX] = {
	[ST_ALL_NAMES] = { .sql = "SELECT id, userName FROM users ORDER BY id", .cols = "is" },
	[ST_PENDING] = { .sql = "SELECT id, userName FROM users WHERE nameSkeleton IS NULL "
	                        "AND id > ? ORDER BY id LIMIT " BACKFILL_BATCH,
	                 .params = "i",
	                 .cols = "is" },
	[ST_SET_SKELETON] = { .sql = "UPDATE users SET nameSkeleton = ? WHERE id = ?",
	                      .params = "si" },
};

/* One stored name and what the rule makes of it. */
struct stored_name {
	long long id;
	char *name;
	enum name_problem problem;
	char *skeleton; /* when accepted */
	size_t skeleton_len;
};

struct names {
	struct stored_name *v;
	size_t n, cap;
	int failed; /* out of memory */
};

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		free(ns->v[i].name);
		free(ns->v[i].skeleton);
	}
	free(ns->v);
	memset(ns, 0, sizeof *ns);
}

static int add_name(const struct db_row *row, void *arg)
{
	struct names *ns = arg;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? 2 * ns->cap : 1024;
		struct stored_name *v = realloc(ns->v, cap * sizeof *v);
		if (!v) {
			ns->failed = 1;
			return 1;
		}
		ns->v = v;
		ns->cap = cap;
	}
	struct stored_name *s = &ns->v[ns->n];
	memset(s, 0, sizeof *s);
	s->id = row->col[0].i;
	s->name = strndup(row->col[1].s ? row->col[1].s : "", row->col[1].len);
	struct user_name u;
	s->problem = name_rules_apply(row->col[1].s, row->col[1].len, &u);
	if (s->problem == NAME_OK)
		s->skeleton = malloc(u.skeleton_len + 1);
	if (!s->name || (s->problem == NAME_OK && !s->skeleton)) {
		free(s->name);
		free(s->skeleton);
		ns->failed = 1;
		return 1;
	}
	if (s->skeleton) {
		memcpy(s->skeleton, u.skeleton, u.skeleton_len + 1);
		s->skeleton_len = u.skeleton_len;
	}
	ns->n++;
	return 0;
}

/* Refused names first (by id), then by skeleton, then id. */
static int by_skeleton(const void *a, const void *b)
{
	const struct stored_name *x = a, *y = b;
	if (!x->skeleton || !y->skeleton) {
		if (x->skeleton != y->skeleton)
			return x->skeleton ? 1 : -1;
	} else {
		size_t n = x->skeleton_len < y->skeleton_len ? x->skeleton_len : y->skeleton_len;
		int c = memcmp(x->skeleton, y->skeleton, n);
		if (c || x->skeleton_len != y->skeleton_len)
			return c ? c : (x->skeleton_len < y->skeleton_len ? -1 : 1);
	}
	return x->id < y->id ? -1 : x->id > y->id;
}

static int same_skeleton(const struct stored_name *x, const struct stored_name *y)
{
	return x->skeleton && y->skeleton && x->skeleton_len == y->skeleton_len &&
	       memcmp(x->skeleton, y->skeleton, x->skeleton_len) == 0;
}

/* "name" with what cannot be seen spelled out (a terminal would hide or reorder it). */
static void print_name(const char *name)
{
	char shown[4 * 16 * NAME_TEXT_MAX];
	name_rules_describe(name, strlen(name), shown, sizeof shown);
	fprintf(stderr, "\"%s\"", shown);
}

/* Every stored name against the rule: refused ones, and groups that look alike. */
static int user_names_check(struct db *db, const char *file)
{
	struct names ns = { 0 };
	if (db_query(db, &steps_sql[ST_ALL_NAMES], NULL, add_name, &ns) != DB_OK || ns.failed) {
		fprintf(stderr, "migrate: %s: reading the users: %s\n", file,
		        ns.failed ? "out of memory" : db->last_error);
		names_free(&ns);
		return -1;
	}
	qsort(ns.v, ns.n, sizeof *ns.v, by_skeleton);
	int problems = 0;
	for (size_t i = 0; i < ns.n;) {
		const struct stored_name *s = &ns.v[i];
		if (s->problem != NAME_OK) {
			fprintf(stderr, "  row %lld ", s->id);
			print_name(s->name);
			fprintf(stderr, " is refused by the name rules: it %s\n",
			        name_problem_message(s->problem));
			problems++;
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < ns.n && same_skeleton(s, &ns.v[j]))
			j++;
		if (j - i > 1) {
			fprintf(stderr, "  %zu rows look alike (ids", j - i);
			for (size_t k = i; k < j; k++)
				fprintf(stderr, "%s %lld", k > i ? "," : "", ns.v[k].id);
			fprintf(stderr, "):");
			for (size_t k = i; k < j; k++) {
				fprintf(stderr, "%s", k > i ? ", " : " ");
				print_name(ns.v[k].name);
			}
			fprintf(stderr, "\n");
			problems++;
		}
		i = j;
	}
	names_free(&ns);
	return problems;
}

/* One row that could not get its skeleton (tolerant fill): say why, go on. */
static void skipped(const char *who, const struct stored_name *s, const char *why)
{
	fprintf(stderr, "%s: row %lld ", who, s->id);
	print_name(s->name);
	fprintf(stderr, " %s; its skeleton stays empty\n", why);
}

int skeletons_fill(struct db *db, const char *who, int tolerant)
{
	long long filled = 0, last = 0;
	int problems = 0;
	for (;;) {
		struct names ns = { 0 };
		const struct db_param after[] = { DB_INT(last) };
		if (db_query(db, &steps_sql[ST_PENDING], after, add_name, &ns) != DB_OK ||
		    ns.failed) {
			fprintf(stderr, "%s: reading the users: %s\n", who,
			        ns.failed ? "out of memory" : db->last_error);
			names_free(&ns);
			return -1;
		}
		if (ns.n == 0) {
			names_free(&ns);
			break;
		}
		last = ns.v[ns.n - 1].id;
		/* The migration fills a batch in one transaction; the tolerant fill row by
		 * row, so that one look-alike does not undo its batch. */
		if (!tolerant && db_begin(db) != DB_OK) {
			fprintf(stderr, "%s: %s\n", who, db->last_error);
			names_free(&ns);
			return -1;
		}
		for (size_t i = 0; i < ns.n; i++) {
			const struct stored_name *s = &ns.v[i];
			enum db_status st = DB_ERROR;
			if (s->problem == NAME_OK) {
				const struct db_param p[] = { DB_TEXT(s->skeleton, s->skeleton_len),
					                      DB_INT(s->id) };
				st = db_exec(db, &steps_sql[ST_SET_SKELETON], p, NULL);
			}
			if (st == DB_OK) {
				filled++;
				continue;
			}
			if (tolerant && (s->problem != NAME_OK || st == DB_DUPLICATE)) {
				skipped(who, s,
				        s->problem != NAME_OK ? name_problem_message(s->problem)
				                              : "looks like another user's name");
				problems++;
				continue;
			}
			/* The migration checked every name first: this row came later, from a
			 * server still on the old rule. */
			fprintf(stderr, "%s: row %lld ", who, s->id);
			print_name(s->name);
			fprintf(stderr, ": %s; run migrate again to see every such row\n",
			        s->problem != NAME_OK ? name_problem_message(s->problem)
			                              : db->last_error);
			db_rollback(db);
			names_free(&ns);
			return -1;
		}
		names_free(&ns);
		if (!tolerant && db_commit(db) != DB_OK) {
			fprintf(stderr, "%s: %s\n", who, db->last_error);
			return -1;
		}
	}
	printf("%s: the skeletons of %lld names filled in\n", who, filled);
	return problems;
}

/* 005 step 3: every row's skeleton, all or nothing per batch. */
static int user_names_backfill(struct db *db, const char *file)
{
	char who[300];
	snprintf(who, sizeof who, "migrate: %s", file);
	return skeletons_fill(db, who, 0) == 0 ? 0 : -1;
}

static const struct migrate_step steps[] = {
	{ .name = "user-names-check",
	  .run = user_names_check,
	  .stop_message = "the users table holds names that look alike or that the name rules "
	                  "refuse; rename or delete the rows listed, then run migrate again" },
	{ .name = "user-names-backfill", .run = user_names_backfill },
};

const struct migrate_step *migrate_step_find(const char *name)
{
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (strcmp(steps[i].name, name) == 0)
			return &steps[i];
	return NULL;
}
