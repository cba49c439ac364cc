-- responsiveness_windows.sql — reply-window breaches per channel and per queue (the
-- conversation's last queue, as in kpi_daily), over conversations on channels with a reply
-- window (conversations.window_breaches is NULL elsewhere). breached_pct is the share of
-- those conversations with at least one wait answered after the window, the
-- kpi_daily.window_breach_rate of the period; breaches counts the late waits.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH c AS (
    SELECT channel, last_queue, window_breaches FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
      AND window_breaches IS NOT NULL
), per AS (
    SELECT 'channel' AS dimension, coalesce(channel, '(none)') AS name, window_breaches FROM c
    UNION ALL
    SELECT 'queue', coalesce(last_queue, '(none)'), window_breaches FROM c
)
SELECT dimension, name,
    count(*) AS measured,
    count(*) FILTER (WHERE window_breaches > 0) AS breached,
    sum(window_breaches)::BIGINT AS breaches,
    round(100 * count(*) FILTER (WHERE window_breaches > 0) / count(*), 1)::DOUBLE AS breached_pct
FROM per
GROUP BY ALL
ORDER BY dimension, measured DESC, name
