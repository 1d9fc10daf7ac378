-- The number of users, kept by the service in the same transaction as each insert and
-- delete: COUNT(*) over InnoDB reads a whole index (hundreds of ms at a million rows),
-- this is one row read. Writes made behind the service's back must keep it too, or
-- run `fcgi-backend recount`.
CREATE TABLE IF NOT EXISTS user_count (
	id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	users BIGINT NOT NULL
) ENGINE = InnoDB;

-- The count from a derived table, so the update names its column: VALUES() in ON
-- DUPLICATE KEY UPDATE is deprecated since MySQL 8.0.20, and the row alias that replaces
-- it there (AS new) is not MariaDB's; this form is both servers'.
INSERT INTO user_count (id, users)
SELECT 1, counted.n FROM (SELECT COUNT(*) AS n FROM users) AS counted
ON DUPLICATE KEY UPDATE users = counted.n;
