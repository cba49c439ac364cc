-- 250_rollups.sql — views `kpi_daily`, `agent_daily` (daily rollups of `conversations`) and `escalation_effectiveness`.
--
-- Every conversation is counted once, on its local_date (org time zone), so
-- summing any count column over days, channels and queues gives the matching
-- count of `conversations`. Medians and p90s are per bucket and do not add up.
-- kpi_daily groups by the conversation's last queue; agent_daily by its most
-- active agent (conversations without a human reply have none and are left out).
-- The asynchronous-messaging columns keep additive counts and sums
-- (window_breaches, window_measured, nudged, nudges, the two waiting totals)
-- next to their rates; roll rates up by summing the counts, then dividing.
-- Sums of durations and scores are exact (sum_seconds, sum_exact in
-- 201_reference.sql), so the same lake gives the same bits in every build.
-- A conversation without a channel is counted under 'unknown' (its
-- `conversations.channel`).
CREATE OR REPLACE VIEW kpi_daily AS
WITH esc AS (
    SELECT conversation_id, count(*) AS escalations, count(*) FILTER (WHERE effective) AS effective
    FROM escalations
    GROUP BY conversation_id
)
SELECT
    c.local_date,
    c.channel,
    c.last_queue AS queue,
    count(*) AS conversations,
    count(c.first_response_s) AS responded,
    median(c.first_response_s) AS frt_median_s,
    quantile_cont(c.first_response_s, 0.9) AS frt_p90_s,
    count(*) FILTER (WHERE c.sla_met) AS sla_met,
    count(c.sla_met) AS sla_measured,
    count(*) FILTER (WHERE c.resolved) AS resolved,
    count(*) FILTER (WHERE c.fcr) AS fcr,
    count(*) FILTER (WHERE c.reopens > 0) AS reopened,
    count(*) FILTER (WHERE c.repeat_contact) AS repeat_contacts,
    count(*) FILTER (WHERE c.abandoned) AS abandoned,
    -- FCR and repeat-contact rates count only closed repeat windows (docs/metrics.md,
    -- "Repeat contact near the data's end"): fcr_closed / fcr_measured.
    count(*) FILTER (WHERE c.resolved AND c.repeat_window_closed) AS fcr_measured,
    count(*) FILTER (WHERE c.fcr AND c.repeat_window_closed) AS fcr_closed,
    count(*) FILTER (WHERE c.resolved AND c.repeat_contact AND c.repeat_window_closed) AS repeat_contacts_closed,
    count(*) FILTER (WHERE c.bot_handled) AS bot_handled,
    count(*) FILTER (WHERE c.bot_contained) AS bot_contained,
    count(*) FILTER (WHERE c.bot_handed_off) AS bot_handed_off,
    count(*) FILTER (WHERE c.bot_abandoned) AS bot_abandoned,
    count(*) FILTER (WHERE c.escalated) AS escalated,
    coalesce(sum(e.escalations), 0)::BIGINT AS escalations,
    coalesce(sum(e.effective), 0)::BIGINT AS escalations_effective,
    count(c.csat) AS csat_responses,
    coalesce(sum(c.csat), 0)::BIGINT AS csat_sum,
    sum_exact(c.friction_score) AS friction_sum,
    median(c.friction_score) AS friction_median,
    count(*) FILTER (WHERE c.complete) AS complete,
    coalesce(sum(c.window_breaches), 0)::BIGINT AS window_breaches,
    count(*) FILTER (WHERE c.window_breaches > 0) AS window_breached,
    count(c.window_breaches) AS window_measured,
    count(*) FILTER (WHERE c.window_breaches > 0) / nullif(count(c.window_breaches), 0) AS window_breach_rate,
    sum(c.nudges)::BIGINT AS nudges,
    count(*) FILTER (WHERE c.nudges > 0) AS nudged,
    count(*) FILTER (WHERE c.nudges > 0) / count(*) AS nudge_rate,
    sum_seconds(c.waiting_on_agent_s) AS waiting_on_agent_s,
    sum_seconds(c.waiting_on_customer_s) AS waiting_on_customer_s
FROM conversations c
LEFT JOIN esc e USING (conversation_id)
GROUP BY c.local_date, c.channel, c.last_queue;

CREATE OR REPLACE VIEW agent_daily AS
SELECT
    local_date,
    most_active_agent_id AS agent_id,
    count(*) AS conversations,
    sum(agent_messages)::BIGINT AS agent_messages,
    count(first_response_s) AS responded,
    median(first_response_s) AS frt_median_s,
    count(*) FILTER (WHERE resolved) AS resolved,
    count(csat) AS csat_responses,
    coalesce(sum(csat), 0)::BIGINT AS csat_sum,
    sum_exact(friction_score) AS friction_sum,
    coalesce(sum(window_breaches), 0)::BIGINT AS window_breaches,
    count(*) FILTER (WHERE window_breaches > 0) AS window_breached,
    count(window_breaches) AS window_measured,
    count(*) FILTER (WHERE window_breaches > 0) / nullif(count(window_breaches), 0) AS window_breach_rate,
    sum(nudges)::BIGINT AS nudges,
    count(*) FILTER (WHERE nudges > 0) AS nudged,
    count(*) FILTER (WHERE nudges > 0) / count(*) AS nudge_rate,
    sum_seconds(waiting_on_agent_s) AS waiting_on_agent_s,
    sum_seconds(waiting_on_customer_s) AS waiting_on_customer_s
FROM conversations
WHERE most_active_agent_id IS NOT NULL
GROUP BY local_date, most_active_agent_id;

-- escalation_effectiveness: per target queue and source (bot or tier), how
-- escalations end, and how escalated conversations compare with the others
-- of the same queue (their last queue) on CSAT.
CREATE OR REPLACE VIEW escalation_effectiveness AS
WITH queue_outcomes AS (
    SELECT
        last_queue AS queue,
        count(*) AS conversations,
        count(*) FILTER (WHERE escalated) AS escalated_conversations,
        avg(csat) FILTER (WHERE escalated) AS csat_escalated,
        avg(csat) FILTER (WHERE NOT escalated) AS csat_not_escalated
    FROM conversations
    GROUP BY last_queue
)
SELECT
    e.to_queue AS queue,
    e.source,
    count(*) AS escalations,
    count(*) FILTER (WHERE e.effective) AS effective,
    count(*) FILTER (WHERE e.effective) / count(*) AS effective_share,
    quantile_cont(e.handoff_wait_s, 0.5) AS handoff_wait_p50_s,
    quantile_cont(e.handoff_wait_s, 0.9) AS handoff_wait_p90_s,
    any_value(q.conversations) AS queue_conversations,
    any_value(q.escalated_conversations) / any_value(q.conversations) AS queue_escalation_rate,
    any_value(q.csat_escalated) AS csat_escalated,
    any_value(q.csat_not_escalated) AS csat_not_escalated
FROM escalations e
LEFT JOIN queue_outcomes q ON q.queue IS NOT DISTINCT FROM e.to_queue
GROUP BY e.to_queue, e.source;

-- resolution_split: each resolved conversation's calendar resolution time
-- (started_at → last resolution) split by who held the clock: the business
-- (the customer waited for a reply), the customer (the business waited for
-- them), and the rest (before the first message, or closed between a
-- resolution and a reopen). The three parts sum to resolution_s.
CREATE OR REPLACE VIEW resolution_split AS
SELECT
    conversation_id,
    local_date,
    channel,
    last_queue AS queue,
    resolution_s,
    resolution_waiting_on_agent_s AS business_s,
    resolution_waiting_on_customer_s AS customer_s,
    resolution_s - resolution_waiting_on_agent_s - resolution_waiting_on_customer_s AS other_s
FROM conversations
WHERE resolved;
