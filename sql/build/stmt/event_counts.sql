-- Deduplicated events and distinct conversations of the events table.
SELECT count(*), count(DISTINCT conversation_id) FROM events;
