-- newest_event.sql — the warehouse's newest event, for parley run's parley_run_data_freshness_seconds.
-- Reads: warehouse_info. Params: none. NULL for a warehouse without events.
SELECT last_event_at FROM warehouse_info
