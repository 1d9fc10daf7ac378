-- The number of users, kept by the service in the same transaction as each insert and
-- delete: COUNT(*) over InnoDB reads a whole index (hundreds of ms at a million rows),
-- this is one row read. Writes made behind the service's back must keep it too, or
-- run `fcgi-backend recount`.
CREATE TABLE IF NOT EXISTS user_count (
	id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	users BIGINT NOT NULL
) ENGINE = InnoDB;

INSERT INTO user_count (id, users) SELECT 1, COUNT(*) FROM users
ON DUPLICATE KEY UPDATE users = VALUES(users);
