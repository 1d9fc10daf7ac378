/*
 * migrate_steps: the parts of migrations that SQL cannot do, as C functions a
 * migration file calls by name at its place in the file:
 *
 *   -- @step: user-names-check
 *
 * Each is a row of one table (name, function, and for a check the message the runner
 * prints when it stops), so a migration that needs C reads top to bottom in its .sql
 * file and the C it calls is found by its name. The user-name rule's confusable
 * skeleton (contract/name_rules.h, ICU's UTS #39 data) is the reason they exist:
 * sql/005 checks every stored name against the rule before it changes anything, then
 * fills the new column.
 */
#ifndef BACKEND_MIGRATE_STEPS_H
#define BACKEND_MIGRATE_STEPS_H

#include "db.h"

struct migrate_step {
	const char *name;
	/* A check returns the number of problems it printed (0: go on); any step returns
	 * -1 after printing why it failed. file names the migration, for messages. */
	int (*run)(struct db *db, const char *file);
	/* For a check: why the migration stops ("the users table holds names …"). */
	const char *stop_message;
};

/* The step called name, or NULL. */
const struct migrate_step *migrate_step_find(const char *name);

/*
 * Fill users.nameSkeleton where it is NULL (rows written behind the service's back:
 * bulk loads, the bench, hand-made SQL). who prefixes the messages. Strict (the
 * migration): stop at the first row that cannot get one (-1). Tolerant (`fcgi-backend
 * skeletons`): list each such row (a name the rule refuses, or one that looks like
 * another's), leave it NULL and go on; returns how many were listed. -1 when the
 * database fails.
 */
int skeletons_fill(struct db *db, const char *who, int tolerant);

#endif
