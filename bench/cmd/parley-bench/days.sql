-- days.sql — lake rows per date partition, for the incremental stage: it holds
-- back the last full day (and the few late rows of the days after it) and
-- builds them on top of a warehouse of everything before.
--
-- Parameters: $1 the lake glob (events/date=*/*.parquet).
SELECT "date"::VARCHAR AS day, count(*) AS rows
FROM read_parquet($1, hive_partitioning = true, union_by_name = true)
GROUP BY ALL
ORDER BY day;
