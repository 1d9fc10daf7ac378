/*
 * cli: see cli.h. Each command is a row of a table (name, its handler, the usage
 * line); options may come anywhere after the verb, as --opt=value or --opt value,
 * spelt out in full.
 */
#include "cli.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "credentials.h"
#include "editors.h"
#include "password.h"
#include "secret_input.h"

struct cli {
	struct db db;
	struct principal operator; /* who the audit trail names */
	struct audit_actor actor;
	const char *password_file;
	const char *token_name;
	int no_password, exists_ok;
};

static int fail_db(struct cli *c, const char *what)
{
	fprintf(stderr, "fcgi-backend: %s: %s\n", what,
	        c->db.last_error[0] ? c->db.last_error : "the database is not available");
	return 1;
}

static void record(struct cli *c, const char *action, const char *subject)
{
	const struct audit_entry e = { .action = action, .subject = subject };
	if (audit_record(&c->db, &c->actor, &e) != DB_OK)
		fprintf(stderr, "fcgi-backend: warning: the audit row was not written: %s\n",
		        c->db.last_error);
}

/*
 * A new password into out, hashed into hash: from --password-file, else standard input
 * (on a terminal: asked twice). Returns 0, or 1 after saying why.
 */
static int new_password(const struct cli *c, const char *name, char hash[PASSWORD_ENCODED_MAX])
{
	char pw[PASSWORD_MAX_LEN + 2], again[PASSWORD_MAX_LEN + 2], why[160], prompt[200];
	snprintf(prompt, sizeof prompt, "New password for %s: ", name);
	long n = secret_read_file(c->password_file, prompt, pw, sizeof pw, why, sizeof why);
	int rc = 1;
	if (n < 0) {
		fprintf(stderr, "fcgi-backend: the password: %s\n", why);
		goto out;
	}
	if (password_acceptable(pw, (size_t)n, why, sizeof why) != 0) {
		fprintf(stderr, "fcgi-backend: %s\n", why);
		goto out;
	}
	if (!c->password_file && isatty(STDIN_FILENO)) {
		long m = secret_read_file(NULL, "Again: ", again, sizeof again, why, sizeof why);
		if (m != n || memcmp(pw, again, (size_t)n) != 0) {
			fprintf(stderr,
			        "fcgi-backend: the two passwords differ; nothing changed\n");
			goto out;
		}
	}
	if (password_hash(&password_default_params, pw, (size_t)n, hash) != 0) {
		fprintf(stderr, "fcgi-backend: could not hash the password (libargon2)\n");
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(pw, sizeof pw);
	explicit_bzero(again, sizeof again);
	return rc;
}

/* The editor named name, or 1 after saying there is none (or the database failed). */
static int find_editor(struct cli *c, const char *name, struct editor *e)
{
	int found = 0;
	if (editors_find(&c->db, name, e, &found) != DB_OK)
		return fail_db(c, "looking the editor up");
	if (!found) {
		fprintf(stderr, "fcgi-backend: there is no editor %s\n", name);
		return 1;
	}
	return 0;
}

static int editor_add(struct cli *c, const char *name)
{
	struct editor e;
	int found = 0;
	if (editors_find(&c->db, name, &e, &found) != DB_OK)
		return fail_db(c, "looking the editor up");
	if (found) {
		if (c->exists_ok) {
			printf("editor: %s exists already; nothing changed\n", e.name);
			return 0;
		}
		fprintf(stderr, "fcgi-backend: the editor %s exists already\n", e.name);
		return 1;
	}
	char hash[PASSWORD_ENCODED_MAX] = "";
	if (!c->no_password && new_password(c, name, hash) != 0)
		return 1;
	long long id = 0;
	enum db_status st = editors_add(&c->db, name, c->no_password ? NULL : hash, &id);
	if (st == DB_DUPLICATE) {
		if (c->exists_ok) { /* added meanwhile by another replica's Job */
			printf("editor: %s exists already; nothing changed\n", name);
			return 0;
		}
		fprintf(stderr, "fcgi-backend: the editor %s exists already\n", name);
		return 1;
	}
	if (st != DB_OK)
		return fail_db(c, "adding the editor");
	record(c, AUDIT_EDITOR_ADD, name);
	printf("editor: added %s%s\n", name,
	       c->no_password ? " (signs in through single sign-on only)" : "");
	return 0;
}

static int editor_passwd(struct cli *c, const char *name)
{
	struct editor e;
	if (find_editor(c, name, &e) != 0)
		return 1;
	char hash[PASSWORD_ENCODED_MAX];
	if (new_password(c, e.name, hash) != 0)
		return 1;
	if (editors_set_password(&c->db, e.id, hash) != DB_OK)
		return fail_db(c, "changing the password");
	record(c, AUDIT_EDITOR_PASSWD, e.name);
	printf("editor: new password for %s; their sessions are ended\n", e.name);
	return 0;
}

static int editor_switch(struct cli *c, const char *name, int disable)
{
	struct editor e;
	if (find_editor(c, name, &e) != 0)
		return 1;
	if (editors_set_disabled(&c->db, e.id, disable) != DB_OK)
		return fail_db(c, disable ? "disabling the editor" : "enabling the editor");
	record(c, disable ? AUDIT_EDITOR_DISABLE : AUDIT_EDITOR_ENABLE, e.name);
	printf("editor: %s %s\n", e.name,
	       disable ? "disabled; their sessions are ended" : "enabled again");
	return 0;
}

static int editor_disable(struct cli *c, const char *name)
{
	return editor_switch(c, name, 1);
}

static int editor_enable(struct cli *c, const char *name)
{
	return editor_switch(c, name, 0);
}

static void print_editor(const struct editor *e, void *arg)
{
	(void)arg;
	printf("%-32s %-8s %-9s %-20s %s\n", e->name, e->disabled ? "disabled" : "enabled",
	       e->password_hash[0] ? "password" : "sso-only", e->created,
	       e->last_sign_in[0] ? e->last_sign_in : "-");
}

static int editor_list(struct cli *c, const char *unused)
{
	(void)unused;
	printf("%-32s %-8s %-9s %-20s %s\n", "NAME", "STATE", "SIGN-IN", "ADDED", "LAST SIGN-IN");
	return editors_list(&c->db, print_editor, NULL) == DB_OK ? 0 : fail_db(c, "listing");
}

static int token_create(struct cli *c, const char *unused)
{
	(void)unused;
	char why[120];
	const char *name = c->token_name;
	if (!name) {
		fprintf(stderr, "fcgi-backend: token create needs --name NAME\n");
		return 2;
	}
	if (strlen(name) > TOKEN_NAME_MAX ||
	    editor_name_valid(name, strlen(name), why, sizeof why) != 0) {
		fprintf(stderr, "fcgi-backend: the token name %s: %s (at most %d)\n", name,
		        strlen(name) > TOKEN_NAME_MAX ? "is too long" : why, TOKEN_NAME_MAX);
		return 2;
	}
	char token[TOKEN_LEN + 1];
	long long id = 0;
	enum db_status st = api_tokens_create(&c->db, name, token, &id);
	if (st == DB_DUPLICATE) {
		fprintf(stderr,
		        "fcgi-backend: a token called %s exists already (token revoke it "
		        "first)\n",
		        name);
		return 1;
	}
	if (st != DB_OK)
		return fail_db(c, "creating the token");
	record(c, AUDIT_TOKEN_CREATE, name);
	fprintf(stderr, "token: created %s; it is shown once, below: keep it in a secret store\n",
	        name);
	printf("%s\n", token);
	fflush(stdout);
	explicit_bzero(token, sizeof token);
	return 0;
}

static void print_token(const struct api_token_info *t, void *arg)
{
	(void)arg;
	printf("%-32s %-20s %s\n", t->name, t->created, t->last_used[0] ? t->last_used : "never");
}

static int token_list(struct cli *c, const char *unused)
{
	(void)unused;
	printf("%-32s %-20s %s\n", "NAME", "CREATED", "LAST USED");
	return api_tokens_list(&c->db, print_token, NULL) == DB_OK ? 0 : fail_db(c, "listing");
}

static int token_revoke(struct cli *c, const char *name)
{
	int found = 0;
	if (api_tokens_revoke(&c->db, name, &found) != DB_OK)
		return fail_db(c, "revoking the token");
	if (!found) {
		fprintf(stderr, "fcgi-backend: there is no token called %s\n", name);
		return 1;
	}
	record(c, AUDIT_TOKEN_REVOKE, name);
	printf("token: revoked %s\n", name);
	return 0;
}

struct command {
	const char *group, *verb;
	int (*run)(struct cli *c, const char *name);
	int takes_name; /* a NAME operand */
	const char *usage;
};

static const struct command commands[] = {
	{ "editor", "add", editor_add, 1,
	  "editor add NAME [--password-file=PATH | --no-password] [--exists-ok]" },
	{ "editor", "passwd", editor_passwd, 1, "editor passwd NAME [--password-file=PATH]" },
	{ "editor", "disable", editor_disable, 1, "editor disable NAME" },
	{ "editor", "enable", editor_enable, 1, "editor enable NAME" },
	{ "editor", "list", editor_list, 0, "editor list" },
	{ "token", "create", token_create, 0, "token create --name NAME" },
	{ "token", "list", token_list, 0, "token list" },
	{ "token", "revoke", token_revoke, 1, "token revoke NAME" },
};

/* "--opt=value" or "--opt value" (the whole name: no abbreviations, so a mistyped
 * "--password secret" is refused rather than taken for --password-file). 1 when a is
 * that option (value in *v, NULL when missing), else 0. */
static int option_value(const char *a, const char *opt, int argc, char **argv, int *i,
                        const char **v)
{
	size_t n = strlen(opt);
	if (strncmp(a, opt, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return 0;
	if (a[n] == '=')
		*v = a + n + 1;
	else if (*i + 1 < argc)
		*v = argv[++*i];
	else
		*v = NULL;
	return 1;
}

static int usage(const char *group)
{
	fprintf(stderr, "usage:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!group || strcmp(commands[i].group, group) == 0)
			fprintf(stderr, "  fcgi-backend %s\n", commands[i].usage);
	return 2;
}

static void operator_name(struct principal *p)
{
	p->kind = PRINCIPAL_OPERATOR;
	const struct passwd *pw = getpwuid(geteuid());
	if (pw && pw->pw_name)
		snprintf(p->name, sizeof p->name, "%s", pw->pw_name);
	else
		snprintf(p->name, sizeof p->name, "uid%u", (unsigned)geteuid());
}

int cli_first_editor(const struct db_config *cfg, const char *name, const char *password_file)
{
	char why[120];
	if (editor_name_valid(name, strlen(name), why, sizeof why) != 0) {
		fprintf(stderr, "fcgi-backend: setting FIRST_EDITOR: '%s' %s\n", name, why);
		return 1;
	}
	if (!password_file || !*password_file) {
		fprintf(stderr, "fcgi-backend: setting FIRST_EDITOR_PASSWORD_FILE: required with "
		                "FIRST_EDITOR\n");
		return 1;
	}
	struct cli c = { .password_file = password_file, .exists_ok = 1 };
	operator_name(&c.operator);
	c.actor.who = &c.operator;
	c.actor.request_id = "";
	db_init(&c.db, cfg);
	int rc = db_ensure(&c.db) == DB_OK ? editor_add(&c, name) : fail_db(&c, "connecting");
	db_close(&c.db);
	return rc;
}

int cli_run(const struct db_config *cfg, int argc, char **argv)
{
	const char *group = argv[0];
	if (argc < 2)
		return usage(group);
	const struct command *cmd = NULL;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].group, group) == 0 && strcmp(commands[i].verb, argv[1]) == 0)
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "fcgi-backend: unknown command '%s %s'\n", group, argv[1]);
		return usage(group);
	}
	struct cli c = { 0 };
	const char *operand[2] = { NULL, NULL };
	int operands = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		if (option_value(a, "--password-file", argc, argv, &i, &v))
			c.password_file = v;
		else if (option_value(a, "--name", argc, argv, &i, &v))
			c.token_name = v;
		else if (strcmp(a, "--no-password") == 0)
			c.no_password = 1;
		else if (strcmp(a, "--exists-ok") == 0)
			c.exists_ok = 1;
		else if (strncmp(a, "--", 2) == 0 || operands == 2) {
			fprintf(stderr, "fcgi-backend: unknown option or extra argument '%s'\n", a);
			fprintf(stderr, "usage: fcgi-backend %s\n", cmd->usage);
			return 2;
		} else {
			operand[operands++] = a;
		}
		if (!v && (strcmp(a, "--password-file") == 0 || strcmp(a, "--name") == 0)) {
			fprintf(stderr, "fcgi-backend: %s needs a value\n", a);
			return 2;
		}
	}
	if (operands != cmd->takes_name) {
		fprintf(stderr, "usage: fcgi-backend %s\n", cmd->usage);
		return 2;
	}
	const char *name = cmd->takes_name ? operand[0] : NULL;
	char why[120];
	if (name && editor_name_valid(name, strlen(name), why, sizeof why) != 0) {
		fprintf(stderr, "fcgi-backend: the name '%s' %s\n", name, why);
		return 2;
	}
	if (c.password_file && c.no_password) {
		fprintf(stderr,
		        "fcgi-backend: --password-file and --no-password exclude each other\n");
		return 2;
	}
	operator_name(&c.operator);
	c.actor.who = &c.operator;
	c.actor.request_id = "";
	db_init(&c.db, cfg);
	int rc = db_ensure(&c.db) == DB_OK ? cmd->run(&c, name) : fail_db(&c, "connecting");
	db_close(&c.db);
	return rc;
}
