-- Who may change the directory (issue 17): editors who sign in, the sessions they get,
-- API tokens for programs, the per-account sign-in back-off, and the audit trail.
-- New tables only: nothing existing changes, so a rerun after a failure is safe
-- (CREATE TABLE IF NOT EXISTS) and the users table is untouched.
--
-- * editors: name is ASCII (letters, digits, . _ @ + -; an SSO identity is often an
--   e-mail address), unique ignoring case through nameKey like users.nameKey.
--   passwordHash is an argon2id PHC string (fcgi-backend/password.h); NULL for an
--   editor who signs in only through single sign-on. Editors are disabled, never
--   deleted, so the audit's names keep meaning someone.
-- * sessions, api_tokens: only SHA-256 of each token is stored (fcgi-backend/token.h),
--   as hex, uniquely indexed: a lookup is one index probe and a database dump holds no
--   usable token. Sign-out and revocation delete the row.
-- * sign_in_failures: keyed by the name that was tried, whether or not such an editor
--   exists, so the back-off behaves the same for unknown names and cannot be used to
--   find out which names exist.
-- * audit: append-only (the app's database user gets INSERT and SELECT on it only);
--   the subject user is kept by id and names, without a foreign key, so deleting a
--   user keeps its history.

CREATE TABLE IF NOT EXISTS editors (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	name VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	nameKey VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin AS (LOWER(name)) STORED,
	passwordHash VARCHAR(160) CHARACTER SET ascii COLLATE ascii_bin NULL,
	createdAt DATETIME NOT NULL,
	passwordChangedAt DATETIME NULL,
	disabledAt DATETIME NULL,
	lastSignInAt DATETIME NULL,
	UNIQUE KEY editors_name_key (nameKey)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS sessions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	tokenHash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	editorId INT UNSIGNED NOT NULL,
	createdAt DATETIME NOT NULL,
	expiresAt DATETIME NOT NULL,
	lastUsedAt DATETIME NOT NULL,
	UNIQUE KEY sessions_token (tokenHash),
	KEY sessions_editor (editorId),
	KEY sessions_expiry (expiresAt),
	CONSTRAINT sessions_editor_fk FOREIGN KEY (editorId) REFERENCES editors (id)
		ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS api_tokens (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	tokenHash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	createdAt DATETIME NOT NULL,
	lastUsedAt DATETIME NULL,
	UNIQUE KEY api_tokens_name (name),
	UNIQUE KEY api_tokens_token (tokenHash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS sign_in_failures (
	nameKey VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
	failures INT UNSIGNED NOT NULL,
	lastFailureAt DATETIME NOT NULL,
	notBefore DATETIME NOT NULL,
	KEY sign_in_failures_age (lastFailureAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS audit (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at DATETIME(3) NOT NULL,
	actorKind VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	actorName VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	action VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	userId INT UNSIGNED NULL,
	oldName VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
	newName VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
	subject VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
	requestId VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
	KEY audit_user (userId, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
