-- responsiveness_frt_buckets.sql — first-response-time distribution per channel, in calendar
-- time (first_response_s) and in business time (first_response_business_s).
-- Reads: conversations. Params: $from, $to (local dates, inclusive).
-- pct is the share of the channel's conversations with a first response; every bucket is listed.
WITH buckets(idx, label, lo, hi) AS (
    VALUES (1, '0–1 min', 0, 60), (2, '1–5 min', 60, 300), (3, '5–15 min', 300, 900),
           (4, '15–60 min', 900, 3600), (5, '1–4 h', 3600, 14400), (6, '4–24 h', 14400, 86400),
           (7, '24 h+', 86400, NULL)
), c AS (
    SELECT * FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
), m AS (
    SELECT 'calendar' AS basis, channel, first_response_s AS s FROM c
    UNION ALL
    SELECT 'business' AS basis, channel, first_response_business_s AS s FROM c
), keys AS (
    SELECT DISTINCT basis, channel FROM m WHERE s IS NOT NULL
), counted AS (
    SELECT keys.basis, keys.channel, b.idx, b.label, count(m.s) AS conversations
    FROM keys CROSS JOIN buckets AS b
    LEFT JOIN m ON m.basis = keys.basis AND m.channel = keys.channel
        AND m.s >= b.lo AND (b.hi IS NULL OR m.s < b.hi)
    GROUP BY ALL
)
SELECT basis, channel, idx, label, conversations,
    round(100 * conversations / sum(conversations) OVER (PARTITION BY basis, channel), 1)::DOUBLE AS pct
FROM counted
ORDER BY basis DESC, channel, idx
