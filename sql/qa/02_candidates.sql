-- QA candidates: one row per conversation that started (local date) in the
-- period, optionally limited to one last queue, channel, market and contact
-- reason (the slice of parley report: in_slice, sql/build/265_report_views.sql),
-- with what sampling needs to attribute it to an agent and place it in strata.
-- The decile strata (high_friction, long) are ranked in Go over these rows.
--
-- Parameters: $1 first local date, $2 last local date (inclusive),
-- $3 queue ('' = any; matches last_queue, as kpi_daily does; '(none)': the conversations
-- without one, as in parley report), $4 channel ('' = any),
-- $5 market ('' = any; '(none)': the conversations without one, as in parley report),
-- $6 contact reason ('' = any),
-- $7 who a conversation counts for: 'most-active', 'first' or 'last' (replying agent).
-- One pass over conversations. Go sorts the rows by id (cheaper there than a
-- DuckDB ORDER BY over every candidate), so sampling is reproducible.
SELECT
    conversation_id,
    coalesce(CASE $7
        WHEN 'first' THEN first_agent_id
        WHEN 'last'  THEN last_agent_id
        ELSE most_active_agent_id
    END, '')                                                AS agent_id,
    coalesce(complete, false)                               AS complete,
    coalesce(csat <= 2, false)                              AS low_csat,
    coalesce(escalated, false)                              AS escalated,
    coalesce(reopens > 0, false)                            AS reopened,
    coalesce(abandoned, false)                              AS abandoned,
    coalesce(NOT sla_met, false)                            AS sla_breach,
    CAST(coalesce(friction_score, 0) AS DOUBLE)             AS friction_score,
    CAST(coalesce(customer_messages, 0) + coalesce(agent_messages, 0)
        + coalesce(bot_messages, 0) AS BIGINT)              AS messages
FROM conversations
WHERE local_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
  AND ($3 = '' OR coalesce(last_queue, '(none)') = $3)
  AND ($4 = '' OR channel = $4)
  AND ($5 = '' OR coalesce(market, '(none)') = $5)
  AND ($6 = '' OR contact_reason = $6)
