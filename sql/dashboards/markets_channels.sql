-- markets_channels.sql — which channels each market uses: conversations per market (the
-- conversation's market, '(none)' without one) and channel, with the channel's share of the
-- market's conversations.
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH g AS (
    SELECT coalesce(market, '(none)') AS market, channel, count(*) AS conversations
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
    GROUP BY ALL
)
SELECT market, channel, conversations,
    round(100 * conversations / sum(conversations) OVER (PARTITION BY market), 1)::DOUBLE AS pct_of_market
FROM g
ORDER BY market, conversations DESC, channel
