-- fingerprint.sql — rows and an order-independent checksum of every public
-- table of a warehouse: the incremental stage compares the warehouse it
-- updated with the full build of the same lake, which must be identical.
--
-- hash(t) hashes the whole row; summing the hashes as HUGEINT ignores row
-- order and, unlike XOR, does not let a duplicated row cancel out.
SELECT 'events' AS "table", count(*) AS rows, sum(hash(t)::HUGEINT) AS checksum FROM events t
UNION ALL SELECT 'messages', count(*), sum(hash(t)::HUGEINT) FROM messages t
UNION ALL SELECT 'episodes', count(*), sum(hash(t)::HUGEINT) FROM episodes t
UNION ALL SELECT 'escalations', count(*), sum(hash(t)::HUGEINT) FROM escalations t
UNION ALL SELECT 'conversations', count(*), sum(hash(t)::HUGEINT) FROM conversations t
UNION ALL SELECT 'duplicate_conflicts', count(*), sum(hash(t)::HUGEINT) FROM duplicate_conflicts t
ORDER BY 1;
