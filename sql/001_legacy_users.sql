-- The old Flask system's table, exactly as it created it. A new database starts from
-- the same shape as one that system left behind, so both take the same upgrade path
-- (002 onwards); on a legacy database this statement does nothing.
CREATE TABLE IF NOT EXISTS users (
	userName varchar(30) NOT NULL
);
