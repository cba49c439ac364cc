-- period.sql — the header of every dashboard page: the data's date range, time zone and freshness.
-- Reads: conversations, events, warehouse_info. Params: none.
-- first_date/last_date are the local dates of the first and last conversations;
-- last_known_date is the local date of the last event that is not in the future relative to
-- the build (occurred_at at or before built_at): the default period is the 28 complete local
-- days before it, so one event dated years ahead cannot stretch the period.
-- last_complete_date is the last local date before last_known_date on which a conversation
-- started: when it is before the default period's last day, the days after it hold only later
-- events of earlier conversations (resolutions, CSAT answers), and the report page says so.
-- (sql/qa/01_period.sql ends the QA sample's default period on it: docs/dashboards.md, "The period".)
-- offset_gaps/offset_gap_messages, when not 0, put a warning on every page (ingest_gaps.sql).
WITH known AS (
    SELECT CAST(max(e.occurred_local) AS DATE) AS day
    FROM events AS e, warehouse_info AS w
    WHERE e.occurred_at <= w.built_at
)
SELECT
    (SELECT min(local_date) FROM conversations) AS first_date,
    (SELECT max(local_date) FROM conversations) AS last_date,
    k.day AS last_known_date,
    (SELECT max(local_date) FROM conversations WHERE local_date < k.day) AS last_complete_date,
    i.timezone,
    CAST(i.built_at AS TIMESTAMP) AS built_at,
    CAST(i.last_event_at AS TIMESTAMP) AS last_event_at,
    i.events,
    i.conversations,
    i.offset_gaps,
    i.offset_gap_messages
FROM warehouse_info AS i, known AS k
