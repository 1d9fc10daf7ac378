-- The confusable skeleton of every user name (contract/name_rules.h): a second unique
-- key beside nameKey, so that "Воb" (Cyrillic В and о) cannot sit beside "Bob", nor
-- "B0b", nor "lan" beside "Ian", nor "Bob  Smith" beside "Bob Smith". The skeleton
-- comes from ICU's copy of Unicode's confusables data (UTS #39), which SQL does not
-- have: two steps are C, run by the migration runner where their lines stand
-- (fcgi-backend/migrate_steps.c).
--
-- Stored names keep their bytes: the skeleton is computed from their normalized form
-- (trimmed, NFC), which is what the service stores from now on. The column may be
-- NULL: a row written behind the service's back (a bulk load, the bench) has none
-- until `fcgi-backend skeletons` fills it, as `fcgi-backend recount` does for the
-- counter. The service itself always writes it.

-- 1. Before anything changes: every stored name through the name rules. Names the
--    rules refuse (text-direction controls, invisible characters, full-width letters)
--    and names that look alike are listed, and the migration stops.
-- @step: user-names-check

-- 2. The column, empty for now (skipped when a stopped run added it already).
--    VARBINARY: compared byte for byte, no collation or trailing-space rule; 720 bytes
--    (the longest skeleton of a 30-character name is 630 with ICU 72) stays under
--    InnoDB's 767-byte key limit even for a legacy table in the COMPACT row format.
-- @skip-if-rows: users.nameSkeleton exists (an earlier run stopped after adding it)
SELECT 1 FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'nameSkeleton';
ALTER TABLE users ADD COLUMN nameSkeleton VARBINARY(720) NULL;

-- 3. Each row's skeleton, in batches (a stopped run resumes: only NULLs are filled).
-- @step: user-names-backfill

-- 4. Unique from now on: a name whose skeleton is taken is refused (409).
-- @skip-if-rows: the unique key users_name_skeleton exists (an earlier run stopped after adding it)
SELECT 1 FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND INDEX_NAME = 'users_name_skeleton';
ALTER TABLE users ADD UNIQUE KEY users_name_skeleton (nameSkeleton);
