-- 120_events.sql — table `events`: the lake's events, deduplicated and ordered.
--
-- Reads the rows lake_scope gives (a full build: every complete lake file,
-- events/date=*/*.parquet, whose files still being written start with _tmp-
-- and never match; an incremental build: the new files' rows and the old
-- events of the conversations in build_affected, which stmt/old_events.sql
-- took out of `events`) and keeps one row per event_id: the copy ingested
-- first (ties: source, partition, offset). Timestamps become TIMESTAMP
-- values holding UTC.
--
-- The copies of every event_id seen more than once are numbered in the
-- temporary table build_copies (copy 1 is kept), which
-- 125_duplicate_conflicts.sql reads to compare the others with it.
--
-- seq orders the events of a conversation by when they happened, not when they
-- arrived, so late and out-of-order delivery do not matter. Ties on
-- occurred_at are broken by type (a start or reopen comes before what happens
-- at the same instant, a resolution after it), then by event_id.
-- episode starts at 1 and goes up by one at each `reopened` event, except a
-- `reopened` that is the conversation's first event, which is episode 1's start.
--
-- occurred_local is the instant plus the zone's UTC offset at it, the value
-- timezone($timezone, instant) gives. ICU's timezone() costs about as much as
-- ordering the events, so it is called twice per distinct UTC hour of the
-- events instead of once per event: at the hour's first and last microsecond.
-- If the offset is the same at both, it holds for the whole hour (no zone in
-- the tz database changes its offset twice within an hour) and is added to the
-- events of that hour; an hour holding a change (a DST switch, or a zone's
-- odd-minute change) takes timezone() per event, as before.
--
-- Reads the variable build_lake_files (stmt/lake_files.sql).
-- Parameters: $timezone, the organisation's IANA time zone.

-- lake_events(files): lake_scope's rows in the shape of `events` (without
-- seq, episode and occurred_local), plus occurred_instant (occurred_at as
-- the lake holds it) and the file_index and file_row_number that locate
-- each row. 125_duplicate_conflicts.sql reads the copies through it too.
CREATE OR REPLACE TEMP MACRO lake_events(files) AS TABLE
SELECT
    event_id,
    conversation_id,
    type,
    -- TIMESTAMP WITH TIME ZONE -> TIMESTAMP holding UTC, by plain arithmetic
    make_timestamp(epoch_us(occurred_at)) AS occurred_at,
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
    make_timestamp(epoch_us(ingested_at)) AS ingested_at,
    occurred_at AS occurred_instant,
    file_index,
    file_row_number
FROM lake_scope(files);

-- Duplicates are rare, so find them with a cheap aggregate over the narrow
-- columns that rank copies first, and number only their copies.
CREATE OR REPLACE TEMP TABLE build_copies AS
WITH copy_keys AS (
    SELECT
        event_id,
        ingested_at,
        source,
        "partition",
        "offset",
        file_index      AS lake_file, -- position in the file list: a small integer, cheap to hash and join on
        file_row_number AS lake_row
    FROM lake_scope(getvariable('build_lake_files'))
)
SELECT
    event_id,
    lake_file,
    lake_row,
    row_number() OVER (
        PARTITION BY event_id
        ORDER BY ingested_at, source, "partition", "offset"
    ) AS copy
FROM copy_keys
SEMI JOIN (SELECT event_id FROM copy_keys GROUP BY event_id HAVING count(*) > 1) USING (event_id);

INSERT INTO events BY NAME
WITH lake_keys AS (
    -- The few narrow columns that order the kept rows; the wide ones
    -- (texts, attributes) are read once, at the end.
    SELECT
        event_id,
        conversation_id,
        type,
        occurred_at,
        file_index      AS lake_file,
        file_row_number AS lake_row
    FROM lake_scope(getvariable('build_lake_files'))
),
ordered AS MATERIALIZED (
    -- Materialised: read again for the distinct hours (local_offsets).
    SELECT
        lake_file,
        lake_row,
        -- The UTC hour as a TIMESTAMP (occurred_at here is the lake's
        -- TIMESTAMP WITH TIME ZONE); date_trunc rounds down, also before 1970.
        date_trunc('hour', make_timestamp(epoch_us(occurred_at))) AS utc_hour,
        row_number() OVER conversation_order AS seq,
        -- A reopen that is the conversation's first event (its earlier events
        -- lie outside the data) opens no new episode: episode 1 starts with it.
        -- sum(), not count(*) FILTER: DuckDB 1.4 recounts a running FILTER
        -- aggregate per row, quadratic in a long conversation.
        (1 + sum((type = 'reopened')::INTEGER) OVER conversation_order
           - (first_value(type) OVER conversation_order = 'reopened')::INTEGER)::INTEGER AS episode
    FROM lake_keys
    ANTI JOIN (SELECT lake_file, lake_row FROM build_copies WHERE copy > 1) USING (lake_file, lake_row)
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
),
local_offsets AS (
    -- The zone's offset in microseconds through each UTC hour of the events;
    -- NULL for an hour in which it changes.
    SELECT
        utc_hour,
        CASE WHEN first_offset = last_offset THEN first_offset END AS offset_us
    FROM (
        SELECT
            utc_hour,
            epoch_us(timezone($timezone, timezone('UTC', utc_hour))) - epoch_us(utc_hour) AS first_offset,
            epoch_us(timezone($timezone, timezone('UTC', utc_hour + to_microseconds(3599999999))))
                - (epoch_us(utc_hour) + 3599999999) AS last_offset
        FROM (SELECT DISTINCT utc_hour FROM ordered WHERE isfinite(utc_hour))
    )
)
SELECT
    r.* EXCLUDE (occurred_instant, file_index, file_row_number),
    o.seq,
    o.episode,
    CASE WHEN z.offset_us IS NOT NULL
         THEN make_timestamp(epoch_us(r.occurred_at) + z.offset_us)
         ELSE timezone($timezone, r.occurred_instant)
    END AS occurred_local
FROM lake_events(getvariable('build_lake_files')) r
JOIN ordered o ON o.lake_file = r.file_index AND o.lake_row = r.file_row_number
LEFT JOIN local_offsets z ON z.utc_hour = o.utc_hour;
