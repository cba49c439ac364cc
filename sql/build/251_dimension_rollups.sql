-- 251_dimension_rollups.sql — view `dimension_daily`: kpi_daily's additive counts by the
-- conversation's dimensions too, and the sums cost figures need (docs/metrics.md).
--
-- Every conversation is counted once, on its local_date, under its channel, last queue,
-- contact_reason, market and tier (NULL market and tier form groups of their own), so summing
-- any count over any of them gives the matching count of `conversations`; divide sums of
-- counts for rates. Medians do not add up and are not here: the dashboards compute them from
-- `conversations` for the slice shown. Sums of scores and costs are exact (sum_exact).
CREATE OR REPLACE VIEW dimension_daily AS
SELECT
    local_date,
    channel,
    last_queue AS queue,
    contact_reason,
    market,
    tier,
    count(*) AS conversations,
    count(first_response_s) AS responded,
    count(*) FILTER (WHERE sla_met) AS sla_met,
    count(sla_met) AS sla_measured,
    count(*) FILTER (WHERE resolved) AS resolved,
    count(*) FILTER (WHERE fcr) AS fcr,
    count(*) FILTER (WHERE repeat_contact) AS repeat_contacts,
    count(*) FILTER (WHERE resolved AND repeat_window_closed) AS fcr_measured,
    count(*) FILTER (WHERE fcr AND repeat_window_closed) AS fcr_closed,
    count(*) FILTER (WHERE resolved AND repeat_contact AND repeat_window_closed) AS repeat_contacts_closed,
    count(*) FILTER (WHERE bot_handled) AS bot_handled,
    count(*) FILTER (WHERE bot_contained) AS bot_contained,
    count(*) FILTER (WHERE bot_handed_off) AS bot_handed_off,
    count(*) FILTER (WHERE bot_abandoned) AS bot_abandoned,
    count(*) FILTER (WHERE escalated) AS escalated,
    count(csat) AS csat_responses,
    coalesce(sum(csat), 0)::BIGINT AS csat_sum,
    sum_exact(friction_score) AS friction_sum,
    count(cost) AS costed,
    count(cost) FILTER (WHERE resolved) AS costed_resolved,
    coalesce(sum_exact(cost), 0) AS cost_sum,
    count(cost) FILTER (WHERE agent_messages > 0) AS human_costed,
    coalesce(sum_exact(CASE WHEN agent_messages > 0 THEN cost END), 0) AS human_cost_sum
FROM conversations
GROUP BY local_date, channel, last_queue, contact_reason, market, tier;
