-- quality_auto_weekly.sql — the check fail rates over time on the Quality page: per ISO week
-- (Monday first) of the conversations' local dates and check, the conversations it judged (pass
-- or fail: checked), how many failed, and the fail rate over those checked; weeks in which a
-- check judged nothing are left out. Reads: auto_qa, conversations. Params: $from, $to (local
-- dates, inclusive). Over all weeks and agents, auto_qa_summary gives the same counts.
-- The slice: $channel, $queue, $market, $reason ('' = any), as report_conversations.sql; the
-- Quality view computes the same rows in the browser for any slice (dashboards/slice.js).
SELECT
    strftime(date_trunc('week', c.local_date), '%G-W%V') AS week,
    a."check",
    count(*) FILTER (WHERE a.result IN ('pass', 'fail')) AS checked,
    count(*) FILTER (WHERE a.result = 'fail') AS failed,
    round(100 * count(*) FILTER (WHERE a.result = 'fail')
        / count(*) FILTER (WHERE a.result IN ('pass', 'fail')), 1)::DOUBLE AS fail_pct
FROM auto_qa AS a
JOIN conversations AS c USING (conversation_id)
WHERE c.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
  AND in_slice(c.channel, c.last_queue, c.market, c.contact_reason, $channel, $queue, $market, $reason)
GROUP BY ALL
HAVING count(*) FILTER (WHERE a.result IN ('pass', 'fail')) > 0
ORDER BY week, a."check"
