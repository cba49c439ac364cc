-- bot_csat.sql — CSAT of bot-handled conversations by how the bot's part ended: contained,
-- handed off, abandoned.
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT CASE WHEN bot_contained THEN 'contained' WHEN bot_handed_off THEN 'handed off' ELSE 'abandoned' END AS outcome,
    count(*) AS conversations,
    count(csat) AS csat_responses,
    round(avg(csat), 2)::DOUBLE AS csat_avg
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND bot_handled
GROUP BY ALL
ORDER BY conversations DESC, outcome
