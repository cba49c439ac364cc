-- cost_bot_savings.sql — what bot containment saved, per contact reason: each conversation the
-- bot contained (resolved without a human) at the mean cost of a human-handled conversation of
-- the same reason (one with a human reply and a cost), and what the contained conversations
-- cost themselves (bot and channel), so saved - own cost is the net. A reason without a
-- human-handled conversation with a cost has no saving to show (NULL).
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH c AS (
    SELECT contact_reason, cost, bot_contained, agent_messages > 0 AS human
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
)
SELECT contact_reason,
    count(*) FILTER (WHERE bot_contained) AS contained,
    count(cost) FILTER (WHERE human) AS human_costed,
    round(sum_micro(CASE WHEN human THEN cost END) / nullif(count(cost) FILTER (WHERE human), 0), 2)::DOUBLE AS human_cost_mean,
    round(count(*) FILTER (WHERE bot_contained) * sum_micro(CASE WHEN human THEN cost END) / nullif(count(cost) FILTER (WHERE human), 0), 2)::DOUBLE AS saved,
    round(sum_micro(CASE WHEN bot_contained THEN cost END), 2)::DOUBLE AS contained_cost
FROM c
GROUP BY contact_reason
HAVING count(*) FILTER (WHERE bot_contained) > 0
ORDER BY saved DESC NULLS LAST, contained DESC, contact_reason
