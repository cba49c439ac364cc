-- 110_affected.sql — table `build_affected` (incremental builds only): the
-- conversations with an event in a lake file not built before, with the
-- first and last instant (UTC) among their new rows.
--
-- Their events, and every metric row derived from them, are deleted and
-- recomputed from their old events and their new lake rows; late events for
-- old dates and copies of events already built are handled like any other
-- row, so the result is the one a full rebuild gives.
--
-- Parameters: $1 the list of new lake files.
CREATE OR REPLACE TABLE build_affected AS
SELECT
    conversation_id,
    make_timestamp(epoch_us(min(occurred_at))) AS first_new_at,
    make_timestamp(epoch_us(max(occurred_at))) AS last_new_at
FROM read_parquet($1, union_by_name = true)
GROUP BY conversation_id;
