-- responsiveness_frt_buckets.sql — first-response-time distribution per channel, in calendar
-- time (first_response_s) and in business time (first_response_business_s).
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
-- pct is the share of the channel's conversations with a first response; every bucket is listed.
WITH buckets(idx, label) AS (
    VALUES (1, '0–1 min'), (2, '1–5 min'), (3, '5–15 min'), (4, '15–60 min'), (5, '1–4 h'), (6, '4–24 h'), (7, '24 h+')
), c AS (
    SELECT channel, first_response_s, first_response_business_s FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
), m AS (
    SELECT 'calendar' AS basis, channel, first_response_s AS s FROM c WHERE first_response_s IS NOT NULL
    UNION ALL
    SELECT 'business' AS basis, channel, first_response_business_s AS s FROM c WHERE first_response_business_s IS NOT NULL
), binned AS (
    SELECT basis, channel,
        CASE WHEN s < 60 THEN 1 WHEN s < 300 THEN 2 WHEN s < 900 THEN 3 WHEN s < 3600 THEN 4
             WHEN s < 14400 THEN 5 WHEN s < 86400 THEN 6 ELSE 7 END AS idx,
        count(*) AS conversations
    FROM m
    GROUP BY ALL
), keys AS (
    SELECT DISTINCT basis, channel FROM binned
)
SELECT keys.basis, keys.channel, b.idx, b.label, coalesce(binned.conversations, 0) AS conversations,
    round(100 * coalesce(binned.conversations, 0) / sum(coalesce(binned.conversations, 0)) OVER (PARTITION BY keys.basis, keys.channel), 1)::DOUBLE AS pct
FROM keys CROSS JOIN buckets AS b
LEFT JOIN binned ON binned.basis = keys.basis AND binned.channel = keys.channel AND binned.idx = b.idx
ORDER BY keys.basis DESC, keys.channel, b.idx
