-- copy.sql — a second reference for the build: the lake copied as it is into
-- one table of a new DuckDB file, with no deduplication, ordering or metric.
-- Any build whose warehouse keeps the events (the `events` table of
-- docs/metrics.md) writes at least this much, so the build can never be
-- faster than this copy, which in turn costs several times the scan floor.
--
-- Parameters: $1 the lake glob (events/date=*/*.parquet).
CREATE TABLE lake_copy AS
SELECT *
FROM read_parquet($1, hive_partitioning = true, union_by_name = true);
