-- 100_tables.sql — the `events` table and the build's bookkeeping tables, if missing.
--
-- A full build starts from an empty file; an incremental one (`parley build`
-- over an existing warehouse) keeps them and updates them in place:
--
--   build_files     every lake file already built, with the size and
--                   modification time it had then, and its rows; a file
--                   missing or changed since forces a full rebuild, a file
--                   not listed is new.
--   build_state     the fingerprint of the settings and build SQL the
--                   warehouse was built with; another fingerprint forces a full rebuild.
--   build_affected  the conversations whose rows this run replaces: those
--                   with an event in a new file, or holding the kept copy
--                   of an event a new file has another copy of, with the
--                   first and last instant among those rows. Empty in a
--                   full build, where there is nothing to replace.
--
-- events and duplicate_conflicts are documented in docs/metrics.md and
-- filled by 120_events.sql and 125_duplicate_conflicts.sql.
CREATE TABLE IF NOT EXISTS build_files (
    file        VARCHAR PRIMARY KEY,
    size        BIGINT    NOT NULL,
    modified_at TIMESTAMP NOT NULL,
    num_rows    BIGINT    NOT NULL
);

CREATE TABLE IF NOT EXISTS build_state (
    fingerprint VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS build_affected (
    conversation_id VARCHAR NOT NULL,
    first_new_at    TIMESTAMP,
    last_new_at     TIMESTAMP
);

CREATE TABLE IF NOT EXISTS events (
    event_id          VARCHAR,
    conversation_id   VARCHAR,
    type              VARCHAR,
    occurred_at       TIMESTAMP,
    occurred_offset_s INTEGER,
    channel           VARCHAR,
    actor_role        VARCHAR,
    actor_id          VARCHAR,
    queue             VARCHAR,
    message_text      VARCHAR,
    message_private   BOOLEAN,
    message_automated BOOLEAN,
    to_role           VARCHAR,
    to_id             VARCHAR,
    to_queue          VARCHAR,
    csat_score        INTEGER,
    attributes        MAP(VARCHAR, VARCHAR),
    extra             VARCHAR,
    source            VARCHAR,
    "partition"       INTEGER,
    "offset"          BIGINT,
    ingested_at       TIMESTAMP,
    seq               BIGINT,
    episode           INTEGER,
    occurred_local    TIMESTAMP
);

CREATE TABLE IF NOT EXISTS duplicate_conflicts (
    event_id                VARCHAR,
    differing_fields        VARCHAR[],
    kept_conversation_id    VARCHAR,
    kept_occurred_at        TIMESTAMP,
    kept_source             VARCHAR,
    kept_partition          INTEGER,
    kept_offset             BIGINT,
    kept_ingested_at        TIMESTAMP,
    dropped_conversation_id VARCHAR,
    dropped_occurred_at     TIMESTAMP,
    dropped_source          VARCHAR,
    dropped_partition       INTEGER,
    dropped_offset          BIGINT,
    dropped_ingested_at     TIMESTAMP
);
