-- reasons_weekly.sql — volume per contact reason and week (7-day blocks from the period's first
-- day, week_of); a week without conversations of a reason has no row for it.
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT contact_reason, strftime(week_of(local_date, CAST($from AS DATE)), '%Y-%m-%d') AS week, count(*) AS conversations
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY ALL
ORDER BY contact_reason, week
