-- core_export.sql — the lake's columns core.sql reads, as CSV for
-- PostgreSQL's COPY (core_load_postgres.sql). PostgreSQL reads no Parquet,
-- so its load starts from this file; the export is timed apart from it.
--
-- Parameters: $1 the lake glob. The driver puts the CSV file's path in
-- place of the marker in the TO clause (COPY takes no parameter for it).
COPY (
    SELECT event_id, conversation_id, type, occurred_at, actor_role, message_private, message_automated,
           csat_score, source, "partition", "offset", ingested_at
    FROM read_parquet($1, hive_partitioning = false)
) TO '__CSV__' (FORMAT csv, HEADER false);
