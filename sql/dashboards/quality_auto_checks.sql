-- quality_auto_checks.sql — the automatic checks on the Quality page: per check in effect, over
-- the conversations of the period, how many it judged (pass or fail: checked), how many failed,
-- and the fail rate over those checked (N/A left out), in the checks' configured order. Reads:
-- auto_qa, auto_qa_checks (the checks in effect), conversations. Params: $from, $to (local
-- dates, inclusive).
-- The slice: $channel, $queue, $market, $reason ('' = any), as report_conversations.sql; the
-- Quality view computes the same rows in the browser for any slice (dashboards/slice.js).
SELECT
    k."check",
    k.type,
    k.category,
    count(a.result) AS conversations,
    count(*) FILTER (WHERE a.result IN ('pass', 'fail')) AS checked,
    count(*) FILTER (WHERE a.result = 'fail') AS failed,
    round(100 * count(*) FILTER (WHERE a.result = 'fail')
        / nullif(count(*) FILTER (WHERE a.result IN ('pass', 'fail')), 0), 1)::DOUBLE AS fail_pct
FROM auto_qa_checks AS k
LEFT JOIN (
    SELECT a.* FROM auto_qa AS a
    JOIN conversations AS c USING (conversation_id)
    WHERE c.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(c.channel, c.last_queue, c.market, c.contact_reason, $channel, $queue, $market, $reason)
) AS a USING ("check")
GROUP BY k."check", k.type, k.category, k.position
ORDER BY k.position
