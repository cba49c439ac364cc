-- lake_scope(files): the lake rows 120_events.sql reads — in a full build, every row of the files.
CREATE OR REPLACE TEMP MACRO lake_scope(files) AS TABLE
SELECT *, file_index
FROM read_parquet(files, hive_partitioning = true, union_by_name = true, file_row_number = true);
