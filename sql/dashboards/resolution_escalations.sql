-- resolution_escalations.sql — escalation effectiveness per target (the queue escalated to, or
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- the role when no queue is named), with the wait until a human picked the conversation up.
-- Reads: escalations, conversations (the slice). Params: $from, $to (local dates, inclusive); the
-- slice $channel, $queue, $market, $reason ('' = any): the escalations of the conversations in it.
SELECT coalesce(to_queue, to_role, '(unknown)') AS target,
    count(*) AS escalations,
    count(*) FILTER (WHERE effective) AS effective,
    round(100 * count(*) FILTER (WHERE effective) / count(*), 1)::DOUBLE AS effective_pct,
    count(*) FILTER (WHERE source = 'bot') AS from_bot,
    round(median(handoff_wait_s) / 60, 1)::DOUBLE AS handoff_wait_median_min,
    round(median(handoff_wait_s))::DOUBLE AS handoff_wait_median_s
FROM escalations
WHERE conversation_id IN (
    SELECT conversation_id FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason))
GROUP BY ALL
ORDER BY escalations DESC, target
