-- Deduplicated events and distinct conversations of the events table, and
-- the dropped copies whose content differed from the kept one.
SELECT count(*), count(DISTINCT conversation_id), (SELECT count(*) FROM duplicate_conflicts) FROM events;
