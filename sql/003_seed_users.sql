-- The five original users, in their original order, for a new database only: a table
-- that already has users (a legacy one) keeps exactly what it has.
INSERT INTO users (userName, createdAt)
SELECT s.userName, UTC_TIMESTAMP()
FROM (SELECT 1 AS n, 'Bob' AS userName UNION ALL SELECT 2, 'Jay' UNION ALL SELECT 3, 'Matt'
      UNION ALL SELECT 4, 'Ferg' UNION ALL SELECT 5, 'Mo') AS s
WHERE NOT EXISTS (SELECT 1 FROM users)
ORDER BY s.n;
