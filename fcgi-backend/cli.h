/*
 * cli: the operator's commands for who may write, run against DATABASE_URI like
 * `migrate`:
 *
 *   fcgi-backend editor add NAME [--password-file=PATH | --no-password] [--exists-ok]
 *   fcgi-backend editor passwd NAME [--password-file=PATH]
 *   fcgi-backend editor disable NAME | enable NAME
 *   fcgi-backend editor list
 *   fcgi-backend token create --name NAME
 *   fcgi-backend token list
 *   fcgi-backend token revoke NAME
 *
 * A password comes from --password-file (its first line: a mounted Secret) or standard
 * input (a pipe, or the terminal with echo off, asked twice), never from the command
 * line. `token create` prints the token on standard output, last and alone, once; the
 * database keeps only its hash. Every change is in the audit trail, by "cli:<the
 * operating-system user>". Exit status: 0 done, 1 refused or failed, 2 misused.
 */
#ifndef BACKEND_CLI_H
#define BACKEND_CLI_H

#include "db.h"

/* argv[0] is "editor" or "token". */
int cli_run(const struct db_config *cfg, int argc, char **argv);

/* After `migrate`: add the editor name with the password in password_file unless an
 * editor of that name exists (then nothing changes). 0, or 1 after saying why. */
int cli_first_editor(const struct db_config *cfg, const char *name, const char *password_file);

#endif
