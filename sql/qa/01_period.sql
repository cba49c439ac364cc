-- The warehouse's time zone and data range: the time zone dates the packet;
-- the last conversation's local date (conversations are sampled by their
-- local_date) ends the default period, and the last event says how fresh the
-- data is. Late events for old conversations move the last event, not the
-- period: a period ending on the last event could hold days without a
-- conversation.
SELECT timezone, first_event_at, last_event_at, (SELECT max(local_date) FROM conversations) AS last_local_date
FROM warehouse_info
