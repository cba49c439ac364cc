-- Incremental builds only: moves the events the previous build kept for the
-- conversations in build_affected into the temporary table
-- build_old_events (with their rowid as event_row), and deletes them from
-- `events`. 120_events.sql ranks them together with the new lake rows
-- (stmt/scope_affected_lake.sql), as a full rebuild ranks every copy: the
-- copy kept before is the first ingested of the old copies, so the first
-- ingested of it and the new copies is the first of all.
--
-- A conversation's old events lie within the spans of its `episodes` rows,
-- which bound the lookup (stmt/ranges.sql): tighter than the conversation's
-- span, which for a conversation reopened weeks later covers weeks.
--
-- The checkpoint right after the delete is cheap; one that finds both the
-- deletes and the rows appended after them rewrites the row groups they
-- touched (measured at M: 1.9 CPU-s at close without it, 0.03 s here plus
-- 0.96 s at close with it).
INSERT INTO build_intervals
SELECT started_at AS lo, ended_at AS hi
FROM episodes
SEMI JOIN build_affected USING (conversation_id);
SET VARIABLE build_ranges = (FROM build_ranges());
CREATE OR REPLACE TEMP TABLE build_old_events AS
SELECT rowid AS event_row, *
FROM events
WHERE in_build_ranges(occurred_at)
  AND conversation_id IN (SELECT conversation_id FROM build_affected);
DELETE FROM events WHERE rowid IN (SELECT event_row FROM build_old_events);
CHECKPOINT;
