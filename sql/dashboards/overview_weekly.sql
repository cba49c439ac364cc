-- overview_weekly.sql — weekly trends per channel and per queue (the conversation's last queue):
-- volume, median first response and resolution rate. Weeks are 7-day blocks counted from the
-- period's first day (week_of), labelled by their first day; a week without conversations of
-- a channel or queue has no row for it.
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH c AS (
    SELECT strftime(week_of(local_date, CAST($from AS DATE)), '%Y-%m-%d') AS week, channel,
        coalesce(last_queue, '(none)') AS queue, first_response_s, resolved
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
), per AS (
    SELECT 'channel' AS dimension, channel AS name, week, first_response_s, resolved FROM c
    UNION ALL
    SELECT 'queue', queue, week, first_response_s, resolved FROM c
)
SELECT dimension, name, week,
    count(*) AS conversations,
    round(median(first_response_s) / 60, 1)::DOUBLE AS frt_median_min,
    round(100 * count(*) FILTER (WHERE resolved) / count(*), 1)::DOUBLE AS resolution_pct
FROM per
GROUP BY ALL
ORDER BY dimension, name, week
