-- 110_affected.sql — table `build_affected` (incremental builds only): the
-- conversations with an event in a lake file not built before.
--
-- Their events, and every metric row derived from them, are deleted and
-- recomputed from all their lake rows; late events for old dates and copies
-- of events already built are handled like any other row, so the result is
-- the one a full rebuild gives.
--
-- Parameters: $1 the list of new lake files.
CREATE OR REPLACE TABLE build_affected AS
SELECT DISTINCT conversation_id
FROM read_parquet($1, union_by_name = true);
