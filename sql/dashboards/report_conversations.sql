-- report_conversations.sql — the per-conversation figures the dashboards compute every chart
-- and table from in the browser, for any slice (docs/dashboards.md, "Slicing"): one row per
-- conversation of the period and the one before it, in the report's own slice.
-- returned_30d is customer_returns.returned_30d only where the conversation's 30 days have all
-- passed within the data (NULL while they have not: retention.sql says why); the FCR and
-- repeat-contact rates count only the conversations with repeat_window_closed.
-- Reads: conversations, customer_returns, events, warehouse_info. Params: $from, $to (the previous period's first day
-- and the period's last), $start (the period's first day); the slice $channel, $queue,
-- $market, $reason ('' = any) of parley report --channel, --queue, --market, --reason.
-- Rows are in (local_date, conversation_id) order: report_escalations.sql and
-- report_terms.sql number them the same way. Friction components travel as whole billionths
-- (mean_nano's units); conversation ids only for the period itself (the worst-friction list).
-- auto_qa is the automatic checks' verdicts (auto_qa), one letter per check of
-- report_auto_checks.sql in its order: p pass, f fail, n N/A, - no verdict; NULL when the
-- checks judged nothing of the conversation (reads auto_qa, auto_qa_checks too).
SELECT
    (c.local_date - CAST($from AS DATE))::INTEGER AS day,
    (hour(c.started_local) * 60 + minute(c.started_local))::INTEGER AS minute,
    c.channel,
    coalesce(c.last_queue, '(none)') AS queue,
    coalesce(c.market, '(none)') AS market,
    c.contact_reason AS reason,
    c.most_active_agent_id AS agent,
    CASE WHEN c.local_date >= CAST($start AS DATE) THEN c.conversation_id END AS id,
    c.first_response_s AS frt,
    c.first_response_business_s AS frt_business,
    c.first_response_any_s AS frt_any,
    c.sla_target_s AS sla_target,
    c.sla_met,
    c.resolved,
    c.fcr,
    c.reopens > 0 AS reopened,
    c.repeat_contact,
    c.repeat_window_closed,
    c.abandoned,
    c.bot_handled,
    c.bot_contained,
    c.bot_handed_off,
    c.bot_abandoned,
    c.escalated,
    c.transfers > 0 AS transferred,
    c.customer_id IS NOT NULL AS known_customer,
    c.agent_messages > 0 AS human,
    c.resolution_s,
    c.resolution_waiting_on_agent_s AS resolution_business_s,
    c.resolution_waiting_on_customer_s AS resolution_customer_s,
    c.csat,
    c.friction_score AS friction,
    round(c.friction_time * 1e9)::BIGINT AS friction_time_n,
    round(c.friction_impersonal * 1e9)::BIGINT AS friction_impersonal_n,
    round(c.friction_directness * 1e9)::BIGINT AS friction_directness_n,
    round(c.friction_effort * 1e9)::BIGINT AS friction_effort_n,
    c.window_breaches,
    c.agent_messages,
    c.cost,
    CASE WHEN k.until >= r.ended_at + INTERVAL 30 DAY THEN r.returned_30d END AS returned_30d,
    q.auto_qa
FROM conversations c
JOIN customer_returns r USING (conversation_id)
CROSS JOIN (
    SELECT max(occurred_at) AS until
    FROM events
    WHERE occurred_at <= (SELECT built_at FROM warehouse_info)
) k
LEFT JOIN (
    SELECT v.conversation_id,
        string_agg(CASE a.result WHEN 'pass' THEN 'p' WHEN 'fail' THEN 'f' WHEN 'na' THEN 'n' ELSE '-' END, '' ORDER BY k.position) AS auto_qa
    FROM (SELECT DISTINCT conversation_id FROM auto_qa) v
    CROSS JOIN auto_qa_checks k
    LEFT JOIN auto_qa a ON a.conversation_id = v.conversation_id AND a."check" = k."check"
    GROUP BY v.conversation_id
) q USING (conversation_id)
WHERE c.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
  AND in_slice(c.channel, c.last_queue, c.market, c.contact_reason, $channel, $queue, $market, $reason)
ORDER BY c.local_date, c.conversation_id
