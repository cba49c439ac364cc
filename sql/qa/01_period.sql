-- The warehouse's time zone and data range, from warehouse_info: the time
-- zone dates the packet, and the last event's local date ends the default period.
SELECT timezone, first_event_at, last_event_at
FROM warehouse_info
