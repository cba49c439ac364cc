-- overview_channels.sql — channel mix of the period's conversations.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT channel, count(*) AS conversations,
    round(100 * count(*) / sum(count(*)) OVER (), 1)::DOUBLE AS pct
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY channel
ORDER BY conversations DESC, channel
