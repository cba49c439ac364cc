-- resolution_bot.sql — outcomes of bot-handled conversations per channel and overall:
-- contained (the bot resolved it), handed off (a human took over), abandoned (neither).
-- The three are disjoint and cover every bot-handled conversation, so the counts sum to
-- bot_handled; abandoned_pct is the remainder of the two rounded shares, so the shown
-- percentages sum to exactly 100.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT
    CASE WHEN grouping(channel) = 1 THEN 'All channels' ELSE channel END AS channel,
    count(*) AS bot_handled,
    count(*) FILTER (WHERE bot_contained) AS contained,
    count(*) FILTER (WHERE bot_handed_off) AS handed_off,
    count(*) FILTER (WHERE bot_abandoned) AS abandoned,
    round(100 * count(*) FILTER (WHERE bot_contained) / count(*), 1)::DOUBLE AS contained_pct,
    round(100 * count(*) FILTER (WHERE bot_handed_off) / count(*), 1)::DOUBLE AS handed_off_pct,
    round(100 - round(100 * count(*) FILTER (WHERE bot_contained) / count(*), 1)
              - round(100 * count(*) FILTER (WHERE bot_handed_off) / count(*), 1), 1)::DOUBLE AS abandoned_pct
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND bot_handled
GROUP BY GROUPING SETS ((channel), ())
HAVING count(*) > 0 -- the grand total exists even for an empty period
ORDER BY grouping(channel) DESC, bot_handled DESC, channel
