-- bot_weekly.sql — bot outcomes over time: per week (7-day blocks from the period's first day,
-- week_of), bot-handled conversations and the shares contained, handed off and abandoned
-- (which sum to 100, as in resolution_bot.sql).
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT strftime(week_of(local_date, CAST($from AS DATE)), '%Y-%m-%d') AS week,
    count(*) AS bot_handled,
    round(100 * count(*) FILTER (WHERE bot_contained) / count(*), 1)::DOUBLE AS contained_pct,
    round(100 * count(*) FILTER (WHERE bot_handed_off) / count(*), 1)::DOUBLE AS handed_off_pct,
    round(100 - round(100 * count(*) FILTER (WHERE bot_contained) / count(*), 1)
              - round(100 * count(*) FILTER (WHERE bot_handed_off) / count(*), 1), 1)::DOUBLE AS abandoned_pct
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND bot_handled
GROUP BY ALL
ORDER BY week
