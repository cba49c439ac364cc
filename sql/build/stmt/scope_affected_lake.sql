-- lake_scope(files): the rows 120_events.sql ranks in an incremental build:
-- every row of the new lake files (all of them rows of build_affected), and
-- the old events of those conversations (stmt/old_events.sql) put back in
-- the lake's shape. An old event's file_index is one past the last file and
-- its file_row_number is its old rowid, which keeps the pair unique.
CREATE OR REPLACE TEMP MACRO lake_scope(files) AS TABLE
SELECT *, file_index
FROM read_parquet(files, hive_partitioning = true, union_by_name = true, file_row_number = true)
UNION ALL BY NAME
SELECT
    * EXCLUDE (event_row, seq, episode, occurred_local, occurred_at, ingested_at),
    timezone('UTC', occurred_at) AS occurred_at,
    timezone('UTC', ingested_at) AS ingested_at,
    len(files)::UBIGINT AS file_index,
    event_row AS file_row_number
FROM build_old_events;
