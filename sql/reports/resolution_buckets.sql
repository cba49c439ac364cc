-- resolution_buckets.sql — time to final resolution (resolution_s) of resolved conversations.
-- Reads: conversations. Params: $from, $to (local dates, inclusive).
WITH buckets(idx, label, lo, hi) AS (
    VALUES (1, '< 1 h', 0, 3600), (2, '1–4 h', 3600, 14400), (3, '4–24 h', 14400, 86400),
           (4, '1–3 days', 86400, 259200), (5, '3–7 days', 259200, 604800), (6, '7 days+', 604800, NULL)
), c AS (
    SELECT resolution_s AS s FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND resolved
)
SELECT b.idx, b.label, count(c.s) AS conversations,
    round(100 * count(c.s) / nullif(sum(count(c.s)) OVER (), 0), 1)::DOUBLE AS pct
FROM buckets AS b
LEFT JOIN c ON c.s >= b.lo AND (b.hi IS NULL OR c.s < b.hi)
GROUP BY ALL
ORDER BY b.idx
