-- lake_scope(files): the lake rows 120_events.sql reads — in an incremental
-- build, only those of the conversations in build_affected.
CREATE OR REPLACE TEMP MACRO lake_scope(files) AS TABLE
SELECT *, file_index
FROM read_parquet(files, hive_partitioning = true, union_by_name = true, file_row_number = true)
WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
