/*
 * editors: the people who may change the directory (table editors, sql/006). Each has
 * a name — ASCII letters, digits and . _ @ + - (an SSO identity is often an e-mail
 * address), unique ignoring case — an argon2id password hash (none for someone who
 * signs in only through single sign-on), and may be disabled. Editors are never
 * deleted, so the audit trail's names keep meaning someone; changing the password or
 * disabling an editor ends every session they have.
 */
#ifndef BACKEND_EDITORS_H
#define BACKEND_EDITORS_H

#include <stddef.h>

#include "db.h"
#include "password.h"
#include "principal.h"

#define EDITOR_NAME_MAX PRINCIPAL_NAME_MAX

/* 0 when name[0..len) is a valid editor name, else -1 with the reason in why. */
int editor_name_valid(const char *name, size_t len, char *why, size_t whylen);

struct editor {
	long long id;
	char name[EDITOR_NAME_MAX + 1];
	char password_hash[PASSWORD_ENCODED_MAX]; /* "" when none */
	int disabled;
	char created[32];      /* RFC 3339 UTC */
	char last_sign_in[32]; /* "" when never */
};

/* The editor named name (ignoring case): *found 0 or 1. */
enum db_status editors_find(struct db *db, const char *name, struct editor *e, int *found);
/* A new editor; hash may be NULL (single sign-on only). DB_DUPLICATE when the name is
 * taken (ignoring case). */
enum db_status editors_add(struct db *db, const char *name, const char *hash, long long *id);
/* A new password hash (and passwordChangedAt); ends the editor's sessions. */
enum db_status editors_set_password(struct db *db, long long id, const char *hash);
/* Disable (ends the editor's sessions) or enable again. */
enum db_status editors_set_disabled(struct db *db, long long id, int disabled);
/* Note a successful sign-in. */
enum db_status editors_signed_in(struct db *db, long long id);
/* Every editor, by name, to each(e, arg). */
enum db_status editors_list(struct db *db, void (*each)(const struct editor *e, void *arg),
                            void *arg);

#endif
