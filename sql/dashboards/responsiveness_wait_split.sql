-- responsiveness_wait_split.sql — how the calendar resolution time of resolved conversations
-- splits between the business (the customer waited for a reply), the customer (the business
-- waited for them) and neither (before the first message, or closed between a resolution and
-- a reopen), per channel: the resolution_split view, summed. Percentages are of the channel's
-- total resolution time. Sums are exact (sum_seconds), so the page's own arithmetic gives the same digits.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH c AS (
    SELECT coalesce(channel, '(none)') AS channel, resolution_s,
        resolution_waiting_on_agent_s AS business_s,
        resolution_waiting_on_customer_s AS customer_s
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND resolved
), s AS (
    SELECT channel, count(*) AS resolved, sum_seconds(resolution_s) AS total_s,
        sum_seconds(business_s) AS business_s, sum_seconds(customer_s) AS customer_s
    FROM c
    GROUP BY channel
)
SELECT channel, resolved,
    round(total_s / 3600, 1)::DOUBLE AS resolution_h,
    round(100 * business_s / nullif(total_s, 0), 1)::DOUBLE AS business_pct,
    round(100 * customer_s / nullif(total_s, 0), 1)::DOUBLE AS customer_pct,
    round(100 * (total_s - business_s - customer_s) / nullif(total_s, 0), 1)::DOUBLE AS other_pct
FROM s
ORDER BY resolved DESC, channel
