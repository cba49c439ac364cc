-- report_terms.sql — the terms of customers' first messages (opening_terms) that can be an
-- emerging reason in some slice: those in at least $min of the period's conversations of the
-- report (a slice holds no more), with the row number (conv) of every conversation of either
-- period in report_conversations.sql that uses them.
-- Reads: opening_terms, conversations. Params: as report_conversations.sql, and $min.
WITH c AS (
    SELECT conversation_id, local_date >= CAST($start AS DATE) AS cur,
        row_number() OVER (ORDER BY local_date, conversation_id) - 1 AS conv
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
), used AS (
    SELECT o.term, c.conv, c.cur FROM opening_terms o JOIN c USING (conversation_id)
), kept AS (
    SELECT term FROM used GROUP BY term HAVING count(*) FILTER (WHERE cur) >= CAST($min AS INTEGER)
)
SELECT term, conv FROM used WHERE term IN (SELECT term FROM kept)
ORDER BY term, conv
