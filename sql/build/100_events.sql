-- 100_events.sql — table `events`: the lake's events, deduplicated and ordered.
--
-- Reads every complete lake file (events/date=*/*.parquet; files still being
-- written start with _tmp- and never match) and keeps one row per event_id:
-- the copy ingested first. Timestamps become TIMESTAMP values holding UTC.
--
-- seq orders the events of a conversation by when they happened, not when they
-- arrived, so late and out-of-order delivery do not matter. Ties on
-- occurred_at are broken by type (a start or reopen comes before what happens
-- at the same instant, a resolution after it), then by event_id.
-- episode starts at 1 and goes up by one at each `reopened` event.
--
-- Parameters: $1 the lake glob, $2 the organisation's IANA time zone.
CREATE OR REPLACE TABLE events AS
WITH raw AS (
    SELECT
        event_id,
        conversation_id,
        type,
        timezone('UTC', occurred_at)  AS occurred_at,
        occurred_offset_s,
        nullif(channel, '')           AS channel,
        nullif(actor_role, '')        AS actor_role,
        nullif(actor_id, '')          AS actor_id,
        nullif(queue, '')             AS queue,
        message_text,
        message_private,
        message_automated,
        nullif(to_role, '')           AS to_role,
        nullif(to_id, '')             AS to_id,
        nullif(to_queue, '')          AS to_queue,
        csat_score,
        attributes,
        nullif(extra, '')             AS extra,
        source,
        "partition",
        "offset",
        timezone('UTC', ingested_at)  AS ingested_at
    FROM read_parquet($1, hive_partitioning = true, union_by_name = true)
),
deduplicated AS (
    SELECT *
    FROM raw
    QUALIFY row_number() OVER (
        PARTITION BY event_id
        ORDER BY ingested_at, source, "partition", "offset"
    ) = 1
),
ordered AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY conversation_id
            ORDER BY
                occurred_at,
                CASE type
                    WHEN 'conversation_started' THEN 0
                    WHEN 'reopened'             THEN 1
                    WHEN 'message'              THEN 2
                    WHEN 'assigned'             THEN 3
                    WHEN 'escalated'            THEN 4
                    WHEN 'transferred'          THEN 5
                    WHEN 'resolved'             THEN 6
                    WHEN 'csat'                 THEN 7
                    ELSE 8
                END,
                event_id
        ) AS seq
    FROM deduplicated
)
SELECT
    *,
    (1 + count(*) FILTER (WHERE type = 'reopened') OVER (
        PARTITION BY conversation_id ORDER BY seq
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ))::INTEGER AS episode,
    timezone($2, occurred_at AT TIME ZONE 'UTC') AS occurred_local
FROM ordered
ORDER BY conversation_id, seq;
