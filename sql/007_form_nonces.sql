-- One-use form tokens (issue 20, point 6): the nonces of the frontend's form tokens
-- that have been spent. A page that accepted a form sends its token's nonce with the
-- one write the form makes, and the backend inserts it here in that write's own
-- transaction (fcgi-backend/form_nonces.h): the same form sent again finds its row and
-- is refused; a write that is refused for its content rolls back and spends nothing.
--
-- * nonce: the token's 16 random bytes; the primary key, so two sends at once meet on
--   it and the second waits for the first to commit or roll back.
-- * expiresAt (UTC): the token's own expiry plus a margin for clocks. After it the
--   frontend refuses the token anyway, so the row may go: every spend deletes a few
--   expired rows, oldest first through the index on expiresAt, so the table holds
--   about the forms sent in the last CSRF_TOKEN_TTL seconds.
--
-- A new table only: nothing existing changes, and a rerun is safe. The app's database
-- user gets SELECT, INSERT and DELETE on it (fcgi-backend/db_grants.c).

CREATE TABLE IF NOT EXISTS form_nonces (
	nonce BINARY(16) NOT NULL PRIMARY KEY,
	expiresAt DATETIME NOT NULL,
	KEY form_nonces_expiry (expiresAt)
) ENGINE = InnoDB;
