-- cost_summary.sql — what conversations cost (conversations.cost, docs/metrics.md "Cost") per
-- channel, queue (last queue) and contact reason: the total, per conversation with a cost, and
-- per resolved conversation (all costs over the resolved conversations with a cost: what each
-- resolution cost the operation). Conversations without a cost (no prices set, or a price
-- they need missing) count in conversations only. Sums are exact to a millionth (sum_micro).
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH c AS (
    SELECT channel, coalesce(last_queue, '(none)') AS queue, contact_reason, cost, resolved
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
), per AS (
    SELECT 'channel' AS dimension, channel AS name, cost, resolved FROM c
    UNION ALL
    SELECT 'queue', queue, cost, resolved FROM c
    UNION ALL
    SELECT 'contact_reason', contact_reason, cost, resolved FROM c
)
SELECT dimension, name,
    count(*) AS conversations,
    count(cost) AS costed,
    round(coalesce(sum_micro(cost), 0), 2)::DOUBLE AS cost_total,
    round(sum_micro(cost) / nullif(count(cost), 0), 2)::DOUBLE AS cost_per_conversation,
    count(cost) FILTER (WHERE resolved) AS costed_resolved,
    round(sum_micro(cost) / nullif(count(cost) FILTER (WHERE resolved), 0), 2)::DOUBLE AS cost_per_resolved
FROM per
GROUP BY ALL
ORDER BY dimension, cost_total DESC, conversations DESC, name
