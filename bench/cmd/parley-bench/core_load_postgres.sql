-- core_load_postgres.sql — core_events for core.sql in PostgreSQL, loaded
-- from core_export.sql's CSV by psql (the driver appends the \copy line
-- with the file's path, then core.sql). Unlogged: no write-ahead log for a
-- scratch table, which favours PostgreSQL.
CREATE UNLOGGED TABLE core_events (
    event_id          text,
    conversation_id   text,
    type              text,
    occurred_at       timestamptz,
    actor_role        text,
    message_private   boolean,
    message_automated boolean,
    csat_score        integer,
    source            text,
    "partition"       integer,
    "offset"          bigint,
    ingested_at       timestamptz
);
