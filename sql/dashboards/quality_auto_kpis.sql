-- quality_auto_kpis.sql — the automatic-checks tile of the Quality page: of the conversations of
-- the period the checks judged (rows in auto_qa), how many failed at least one check. Reads:
-- auto_qa, conversations. Params: $from, $to (local dates, inclusive; a conversation's
-- local_date). No row in auto_qa (qa.auto.disabled, or no conversation): conversations = 0.
-- The slice: $channel, $queue, $market, $reason ('' = any), as report_conversations.sql; the
-- Quality view computes the same rows in the browser for any slice (dashboards/slice.js).
WITH per_conversation AS (
    SELECT a.conversation_id, bool_or(a.result = 'fail') AS failed, count(*) FILTER (WHERE a.result = 'fail') AS fails
    FROM auto_qa AS a
    JOIN conversations AS c USING (conversation_id)
    WHERE c.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(c.channel, c.last_queue, c.market, c.contact_reason, $channel, $queue, $market, $reason)
    GROUP BY a.conversation_id
)
SELECT
    count(*) AS conversations,
    count(*) FILTER (WHERE failed) AS conversations_failed,
    round(100 * count(*) FILTER (WHERE failed) / nullif(count(*), 0), 1)::DOUBLE AS conversations_failed_pct,
    coalesce(sum(fails), 0)::BIGINT AS failed
FROM per_conversation
