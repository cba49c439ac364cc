-- overview_kpis.sql — the KPI tiles of the Overview page, for one period.
-- Reads: conversations, escalations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
-- The dashboard runs it twice: for the period, and for the same number of days before it.
-- Rates are percentages of their natural base: SLA over conversations with a target and a
-- first response, first-contact resolution over resolved ones whose repeat window has closed
-- (fcr_measured: repeat_window_closed, docs/metrics.md "Repeat contact near the data's end"; a
-- conversation resolved in the data's last windows.repeat_contact counts in neither part, and
-- fcr_pct is NULL, "not known yet" on the page, below 30 of them), bot containment over
-- bot-handled ones, escalation effectiveness over the escalations of the period's conversations
-- (an escalation's local_date is its conversation's).
WITH c AS (
    SELECT * FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
), e AS (
    -- An escalation's local_date is its conversation's: those of the conversations above.
    SELECT count(*) AS escalations, count(*) FILTER (WHERE effective) AS effective
    FROM escalations
    WHERE conversation_id IN (SELECT conversation_id FROM c)
)
SELECT
    count(*) AS conversations,
    round(median(first_response_s))::DOUBLE AS frt_median_s,
    round(quantile_cont(first_response_s, 0.9))::DOUBLE AS frt_p90_s,
    round(100 * count(*) FILTER (WHERE sla_met) / nullif(count(sla_met), 0), 1)::DOUBLE AS sla_pct,
    round(100 * count(*) FILTER (WHERE resolved) / nullif(count(*), 0), 1)::DOUBLE AS resolution_pct,
    CASE WHEN count(*) FILTER (WHERE resolved AND repeat_window_closed) >= 30
         THEN round(100 * count(*) FILTER (WHERE fcr AND repeat_window_closed)
                    / count(*) FILTER (WHERE resolved AND repeat_window_closed), 1)::DOUBLE END AS fcr_pct,
    round(100 * count(*) FILTER (WHERE bot_contained) / nullif(count(*) FILTER (WHERE bot_handled), 0), 1)::DOUBLE AS bot_containment_pct,
    (SELECT round(100 * effective / nullif(escalations, 0), 1)::DOUBLE FROM e) AS escalation_effective_pct,
    round(avg(csat), 2)::DOUBLE AS csat_avg,
    count(csat) AS csat_responses,
    round(median(friction_score), 1)::DOUBLE AS friction_median,
    count(*) FILTER (WHERE resolved AND repeat_window_closed) AS fcr_measured
FROM c
