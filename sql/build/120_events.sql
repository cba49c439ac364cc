-- 120_events.sql — table `events`: the lake's events, deduplicated and ordered.
--
-- Reads the rows lake_scope gives (a full build: every complete lake file,
-- events/date=*/*.parquet, whose files still being written start with _tmp-
-- and never match; an incremental build: the new files' rows and the old
-- events of the conversations in build_affected, which stmt/old_events.sql
-- took out of `events`) and keeps one row per event_id: the copy ingested
-- first. Timestamps become TIMESTAMP values holding UTC.
--
-- seq orders the events of a conversation by when they happened, not when they
-- arrived, so late and out-of-order delivery do not matter. Ties on
-- occurred_at are broken by type (a start or reopen comes before what happens
-- at the same instant, a resolution after it), then by event_id.
-- episode starts at 1 and goes up by one at each `reopened` event, except a
-- `reopened` that is the conversation's first event, which is episode 1's start.
--
-- Parameters: $1 the list of lake files to read, $2 the organisation's IANA time zone.
INSERT INTO events BY NAME
WITH lake_keys AS (
    -- The few narrow columns that decide which rows are kept and in what
    -- order; the wide ones (texts, attributes) are read once, at the end.
    SELECT
        event_id,
        conversation_id,
        type,
        occurred_at,
        ingested_at,
        source,
        "partition",
        "offset",
        file_index      AS lake_file, -- position in the file list: a small integer, cheap to hash and join on
        file_row_number AS lake_row
    FROM lake_scope($1)
),
duplicated AS (
    -- Duplicates are rare, so find them with a cheap aggregate first ...
    SELECT event_id FROM lake_keys GROUP BY event_id HAVING count(*) > 1
),
later_copies AS (
    -- ... and rank only their copies: all but the first ingested are dropped.
    SELECT lake_file, lake_row
    FROM lake_keys
    SEMI JOIN duplicated USING (event_id)
    QUALIFY row_number() OVER (
        PARTITION BY event_id
        ORDER BY ingested_at, source, "partition", "offset"
    ) > 1
),
ordered AS (
    SELECT
        lake_file,
        lake_row,
        row_number() OVER conversation_order AS seq,
        -- A reopen that is the conversation's first event (its earlier events
        -- lie outside the data) opens no new episode: episode 1 starts with it.
        -- sum(), not count(*) FILTER: DuckDB 1.4 recounts a running FILTER
        -- aggregate per row, quadratic in a long conversation.
        (1 + sum((type = 'reopened')::INTEGER) OVER conversation_order
           - (first_value(type) OVER conversation_order = 'reopened')::INTEGER)::INTEGER AS episode
    FROM lake_keys
    ANTI JOIN later_copies USING (lake_file, lake_row)
    WINDOW conversation_order AS (
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
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    )
)
SELECT
    r.event_id,
    r.conversation_id,
    r.type,
    -- TIMESTAMP WITH TIME ZONE -> TIMESTAMP holding UTC, by plain arithmetic
    make_timestamp(epoch_us(r.occurred_at)) AS occurred_at,
    r.occurred_offset_s,
    nullif(r.channel, '')           AS channel,
    nullif(r.actor_role, '')        AS actor_role,
    nullif(r.actor_id, '')          AS actor_id,
    nullif(r.queue, '')             AS queue,
    r.message_text,
    r.message_private,
    r.message_automated,
    nullif(r.to_role, '')           AS to_role,
    nullif(r.to_id, '')             AS to_id,
    nullif(r.to_queue, '')          AS to_queue,
    r.csat_score,
    r.attributes,
    nullif(r.extra, '')             AS extra,
    r.source,
    r."partition",
    r."offset",
    make_timestamp(epoch_us(r.ingested_at)) AS ingested_at,
    o.seq,
    o.episode,
    timezone($2, r.occurred_at) AS occurred_local
FROM lake_scope($1) r
JOIN ordered o ON o.lake_file = r.file_index AND o.lake_row = r.file_row_number;
