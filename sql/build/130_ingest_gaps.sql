-- 130_ingest_gaps.sql — table `ingest_gaps`, if missing: the lake's record of
-- Kafka offsets deleted before ingest read them (lake/_gaps/<topic>/*.json,
-- one JSON object per gap; see docs/ingest.md).
--
-- The table is the lake's gap records as they are now: every build, full or
-- incremental, empties it (stmt/clear_ingest_gaps.sql) and reads every record
-- again (stmt/load_ingest_gaps.sql): there are few, and a new one must show
-- even when no events file is new. 260_warehouse_info.sql counts them.
CREATE TABLE IF NOT EXISTS ingest_gaps (
    topic       VARCHAR   NOT NULL,
    "partition" INTEGER   NOT NULL,
    epoch       INTEGER   NOT NULL,
    from_offset BIGINT    NOT NULL,
    to_offset   BIGINT    NOT NULL,
    messages    BIGINT    NOT NULL,
    detected_at TIMESTAMP NOT NULL
);
