-- demo_summary: the four figures `parley demo` prints at the end.
-- Reads: warehouse_info, conversations. No parameters.
-- events counts distinct events after deduplication; the rates are over all conversations.
SELECT
    (SELECT events FROM warehouse_info)                  AS events,
    count(*)                                             AS conversations,
    median(first_response_s)                             AS median_first_response_s,
    avg(CASE WHEN resolved THEN 1.0 ELSE 0.0 END)        AS resolution_rate
FROM conversations;
