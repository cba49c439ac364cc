-- bot_failures.sql — the contact reasons the bot fails most: per reason, bot-handled
-- conversations and those it did not contain (handed off to a human, or abandoned).
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT contact_reason,
    count(*) AS bot_handled,
    count(*) FILTER (WHERE bot_handed_off) AS handed_off,
    count(*) FILTER (WHERE bot_abandoned) AS abandoned,
    count(*) FILTER (WHERE NOT bot_contained) AS failed,
    round(100 * count(*) FILTER (WHERE NOT bot_contained) / count(*), 1)::DOUBLE AS failed_pct
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND bot_handled
GROUP BY ALL
ORDER BY failed DESC, contact_reason
