-- Give the users table its keys, keeping every row and its order.
--
-- * id: AUTO_INCREMENT primary key, numbered in the table's current row order (the
--   order the old system inserted and listed them), so GET /backend keeps its order.
-- * userName: utf8mb4 with the utf8mb4_bin collation: stored and compared byte for
--   byte, so what was sent comes back exactly (the *_ci collations of MariaDB 10.x
--   treat every emoji as equal and 'é' as 'e').
-- * nameKey: LOWER(userName), unique: 'bob' and 'Bob' are the same name. Prefix
--   searches use its index (LIKE 'x%' is a range scan).
-- * createdAt: UTC. Rows of a legacy table get the time of this upgrade.
--
-- The check first: names that would collide under the new unique key stop the
-- migration before anything changes.

-- @abort-if-rows: the users table holds duplicate names (compared ignoring case); rename or delete the extra rows, then run migrate again
SELECT CONCAT(COUNT(*), ' rows named ', GROUP_CONCAT(CONCAT('"', userName, '"') ORDER BY userName SEPARATOR ', '))
FROM users
GROUP BY LOWER(CONVERT(userName USING utf8mb4)) COLLATE utf8mb4_bin
HAVING COUNT(*) > 1;

ALTER TABLE users
	ENGINE = InnoDB,
	DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
	MODIFY userName VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	ADD COLUMN id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST,
	ADD COLUMN createdAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	ADD COLUMN nameKey VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
		AS (LOWER(userName)) STORED,
	ADD UNIQUE KEY users_name_key (nameKey);
