-- 110_affected.sql — table `build_affected` (incremental builds only): the
-- conversations whose events this update replaces, with the first and last
-- instant (UTC) among the rows that bring them in.
--
-- They are the conversations with an event in a lake file not built before
-- (the variable build_lake_files, stmt/lake_files.sql), and those holding
-- the kept copy of an event that such a file has another copy of, which may
-- lie in another conversation: 120_events.sql must rank that copy with the
-- new ones. Their events, and every metric row derived from them, are
-- deleted and recomputed from their old events and their new lake rows;
-- late events for old dates and copies of events already built are handled
-- like any other row, so the result is the one a full rebuild gives.
CREATE OR REPLACE TEMP TABLE build_new_rows AS
SELECT event_id, conversation_id, occurred_at
FROM read_parquet(getvariable('build_lake_files'), union_by_name = true);

CREATE OR REPLACE TABLE build_affected AS
SELECT
    conversation_id,
    make_timestamp(epoch_us(min(occurred_at))) AS first_new_at,
    make_timestamp(epoch_us(max(occurred_at))) AS last_new_at
FROM (
    SELECT conversation_id, occurred_at FROM build_new_rows
    UNION ALL
    -- events holds one copy of each event_id: the kept one.
    SELECT conversation_id, timezone('UTC', occurred_at)
    FROM events
    WHERE event_id IN (SELECT event_id FROM build_new_rows)
)
GROUP BY conversation_id;

DROP TABLE build_new_rows;
