-- demo_summary: the four figures `parley demo` prints at the end.
-- Reads: warehouse_info, conversations, events. No parameters.
-- events counts distinct events after deduplication; the rates are over all conversations.
-- has_resolved: the data holds a resolved event at all; without one the resolution rate is
-- "not in this data", not 0 % (as report_capabilities.sql tells the pages).
SELECT
    (SELECT events FROM warehouse_info)                  AS events,
    count(*)                                             AS conversations,
    median(first_response_s)                             AS median_first_response_s,
    avg(CASE WHEN resolved THEN 1.0 ELSE 0.0 END)        AS resolution_rate,
    EXISTS (SELECT 1 FROM events WHERE type = 'resolved') AS has_resolved
FROM conversations;
