-- The warehouse's time zone and data range: the time zone dates the packet;
-- last_complete_date ends the default period: the last local date on which a
-- conversation started (conversations are sampled by their local_date) before
-- the day of the last event that is not in the future relative to the build,
-- which is not over as far as the data knows. Late events for old
-- conversations move the last event, not the period (a period ending on the
-- last event could hold days without a conversation); without such a date,
-- the day before last_known_date ends it. The report's default period ends
-- on that day always (sql/dashboards/period.sql): it covers those late events
-- (docs/dashboards.md, "The period"). The last event says how fresh the data is.
WITH known AS (
    SELECT CAST(max(e.occurred_local) AS DATE) AS day
    FROM events AS e, warehouse_info AS w
    WHERE e.occurred_at <= w.built_at
)
SELECT i.timezone, i.first_event_at, i.last_event_at, k.day AS last_known_date,
    (SELECT max(local_date) FROM conversations WHERE local_date < k.day) AS last_complete_date
FROM warehouse_info AS i, known AS k
