-- overview_channels.sql — channel mix of the period's conversations.
-- Reads: conversations. Params: $from, $to (local dates, inclusive).
SELECT channel, count(*) AS conversations,
    round(100 * count(*) / sum(count(*)) OVER (), 1)::DOUBLE AS pct
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
GROUP BY channel
ORDER BY conversations DESC, channel
