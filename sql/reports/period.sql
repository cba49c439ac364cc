-- period.sql — the header of every dashboard page: the data's date range, time zone and freshness.
-- Reads: conversations, warehouse_info. Params: none.
-- first_date/last_date bound the default period (the whole data) in the org time zone;
-- offset_gaps/offset_gap_messages, when not 0, put a warning on every page (ingest_gaps.sql).
SELECT
    (SELECT min(local_date) FROM conversations) AS first_date,
    (SELECT max(local_date) FROM conversations) AS last_date,
    i.timezone,
    CAST(i.built_at AS TIMESTAMP) AS built_at,
    CAST(i.last_event_at AS TIMESTAMP) AS last_event_at,
    i.events,
    i.conversations,
    i.offset_gaps,
    i.offset_gap_messages
FROM warehouse_info AS i
