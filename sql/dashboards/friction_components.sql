-- friction_components.sql — mean of the four friction components (each 0..1) per channel and overall,
-- exact to a billionth (mean_nano), so it does not depend on the order of the rows.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT
    CASE WHEN grouping(channel) = 1 THEN 'All channels' ELSE channel END AS channel,
    count(friction_score) AS conversations,
    round(mean_nano(friction_time), 3)::DOUBLE AS time,
    round(mean_nano(friction_impersonal), 3)::DOUBLE AS impersonal,
    round(mean_nano(friction_directness), 3)::DOUBLE AS directness,
    round(mean_nano(friction_effort), 3)::DOUBLE AS effort
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND friction_score IS NOT NULL
GROUP BY GROUPING SETS ((channel), ())
HAVING count(*) > 0 -- the grand total exists even for an empty period
ORDER BY grouping(channel) DESC, conversations DESC, channel
