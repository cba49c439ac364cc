-- report_escalations.sql — the escalations of the conversations of report_conversations.sql,
-- each with its conversation's row number there (conv, from 0), for the escalation figures.
-- Reads: escalations, conversations. Params: as report_conversations.sql, but $start.
WITH c AS (
    SELECT conversation_id, row_number() OVER (ORDER BY local_date, conversation_id) - 1 AS conv
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
)
SELECT c.conv, coalesce(e.to_queue, e.to_role, '(unknown)') AS target, e.source, e.effective, e.handoff_wait_s
FROM escalations e
JOIN c USING (conversation_id)
ORDER BY c.conv, e.escalated_at, e.event_id
