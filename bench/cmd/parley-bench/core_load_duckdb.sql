-- core_load_duckdb.sql — core_events for core.sql in DuckDB: the lake's
-- columns the core subset reads, as they are (occurred_at and ingested_at
-- are TIMESTAMP WITH TIME ZONE, as PostgreSQL's timestamptz).
--
-- Parameters: $1 the lake glob (events/date=*/*.parquet).
CREATE TABLE core_events AS
SELECT event_id, conversation_id, type, occurred_at, actor_role, message_private, message_automated,
       csat_score, source, "partition", "offset", ingested_at
FROM read_parquet($1, hive_partitioning = false);
