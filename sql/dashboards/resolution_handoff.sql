-- resolution_handoff.sql — handoff wait after an escalation, from the bot and between tiers.
-- Reads: escalations, conversations (the slice). Params: $from, $to (local dates, inclusive); the
-- slice $channel, $queue, $market, $reason ('' = any): the escalations of the conversations in it.
-- 'not picked up' counts escalations no human answered (handoff_wait_s IS NULL).
WITH buckets(idx, label) AS (
    VALUES (1, '< 1 min'), (2, '1–5 min'), (3, '5–15 min'), (4, '15–60 min'), (5, '1–4 h'), (6, '4 h+'), (7, 'not picked up')
), binned AS (
    SELECT source,
        CASE WHEN handoff_wait_s IS NULL THEN 7 WHEN handoff_wait_s < 60 THEN 1 WHEN handoff_wait_s < 300 THEN 2
             WHEN handoff_wait_s < 900 THEN 3 WHEN handoff_wait_s < 3600 THEN 4 WHEN handoff_wait_s < 14400 THEN 5 ELSE 6 END AS idx,
        count(*) AS escalations
    FROM escalations
    WHERE conversation_id IN (
        SELECT conversation_id FROM conversations
        WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
          AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason))
    GROUP BY ALL
), sources AS (
    SELECT DISTINCT source FROM binned
)
SELECT sources.source, b.idx, b.label, coalesce(binned.escalations, 0) AS escalations
FROM sources CROSS JOIN buckets AS b
LEFT JOIN binned ON binned.source = sources.source AND binned.idx = b.idx
ORDER BY sources.source, b.idx
