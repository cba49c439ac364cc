-- 260_warehouse_info.sql — table `warehouse_info`: one row describing this build.
--
-- From `events`, `conversations`, `ingest_gaps`, `duplicate_conflicts` and build_settings. built_at is UTC.
-- Parameters: $parley_version, parley's module version, and $parley_revision, its VCS revision (from the binary's build info).
CREATE OR REPLACE TABLE warehouse_info AS
SELECT
    timezone('UTC', now()) AS built_at,
    s.timezone,
    (SELECT count(*) FROM events) AS events,
    (SELECT count(*) FROM conversations) AS conversations,
    (SELECT min(occurred_at) FROM events) AS first_event_at,
    (SELECT max(occurred_at) FROM events) AS last_event_at,
    (SELECT count(*) FROM ingest_gaps) AS offset_gaps,
    (SELECT coalesce(sum(messages), 0) FROM ingest_gaps)::BIGINT AS offset_gap_messages,
    (SELECT count(*) FROM duplicate_conflicts) AS duplicate_conflicts,
    $parley_version::VARCHAR AS parley_version,
    $parley_revision::VARCHAR AS parley_revision,
    version() AS duckdb_version
FROM build_settings s;
