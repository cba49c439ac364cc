-- resolution_buckets.sql — time to final resolution (resolution_s) of resolved conversations.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH buckets(idx, label) AS (
    VALUES (1, '< 1 h'), (2, '1–4 h'), (3, '4–24 h'), (4, '1–3 days'), (5, '3–7 days'), (6, '7 days+')
), binned AS (
    SELECT CASE WHEN resolution_s < 3600 THEN 1 WHEN resolution_s < 14400 THEN 2 WHEN resolution_s < 86400 THEN 3
                WHEN resolution_s < 259200 THEN 4 WHEN resolution_s < 604800 THEN 5 ELSE 6 END AS idx,
        count(*) AS conversations
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND resolved AND resolution_s IS NOT NULL
    GROUP BY ALL
)
-- The total is a subquery, not sum(...) OVER (): DuckDB 1.4's window operator sometimes fails
-- ("Attempted to access index 0 within vector of size 0") on this outer join when binned is
-- empty and the result is read as Arrow, and the failure invalidates the database
-- (TestSliceMatchesSQL, "nothing, repeatedly").
SELECT b.idx, b.label, coalesce(binned.conversations, 0) AS conversations,
    round(100 * coalesce(binned.conversations, 0) / nullif((SELECT sum(conversations) FROM binned), 0), 1)::DOUBLE AS pct
FROM buckets AS b LEFT JOIN binned ON binned.idx = b.idx
ORDER BY b.idx
