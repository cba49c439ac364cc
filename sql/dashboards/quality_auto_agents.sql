-- quality_auto_agents.sql — the automatic checks per agent on the Quality page: per agent the
-- conversations are attributed to (conversations.most_active_agent_id, as auto_qa_summary) and
-- check, over the conversations of the period: those it judged (pass or fail: checked), how many
-- failed, and the fail rate over those checked. Conversations no human answered have no agent
-- and are left out. Reads: auto_qa, conversations. Params: $from, $to (local dates, inclusive).
-- The slice: $channel, $queue, $market, $reason ('' = any), as report_conversations.sql; the
-- Quality view computes the same rows in the browser for any slice (dashboards/slice.js).
SELECT
    c.most_active_agent_id AS agent,
    a."check",
    count(*) FILTER (WHERE a.result IN ('pass', 'fail')) AS checked,
    count(*) FILTER (WHERE a.result = 'fail') AS failed,
    round(100 * count(*) FILTER (WHERE a.result = 'fail')
        / nullif(count(*) FILTER (WHERE a.result IN ('pass', 'fail')), 0), 1)::DOUBLE AS fail_pct
FROM auto_qa AS a
JOIN conversations AS c USING (conversation_id)
WHERE c.most_active_agent_id IS NOT NULL
  AND c.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
  AND in_slice(c.channel, c.last_queue, c.market, c.contact_reason, $channel, $queue, $market, $reason)
GROUP BY ALL
ORDER BY agent, a."check"
