-- friction_drivers.sql — what the highest-friction conversations (the top decile of the period's
-- friction score) have in common: for each event, its share among them, among the rest, and the lift.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH c AS (
    SELECT * FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND friction_score IS NOT NULL
), cut AS (
    SELECT quantile_cont(friction_score, 0.9) AS p90 FROM c
), flags AS (
    SELECT c.friction_score >= cut.p90 AS high,
        coalesce(c.escalated, false) AS "escalated",
        coalesce(c.transfers > 0, false) AS "transferred",
        coalesce(c.reopens > 0, false) AS "reopened",
        coalesce(c.repeat_contact, false) AS "repeat contact",
        coalesce(NOT c.sla_met, false) AS "first response over SLA",
        coalesce(c.bot_handed_off, false) AS "bot handed off",
        coalesce(c.abandoned, false) AS "abandoned",
        coalesce(c.csat <= 2, false) AS "CSAT 1–2"
    FROM c, cut
), long AS (
    UNPIVOT flags ON COLUMNS(* EXCLUDE (high)) INTO NAME driver VALUE flag
)
SELECT driver,
    round(100 * count(*) FILTER (WHERE high AND flag) / nullif(count(*) FILTER (WHERE high), 0), 1)::DOUBLE AS high_pct,
    round(100 * count(*) FILTER (WHERE NOT high AND flag) / nullif(count(*) FILTER (WHERE NOT high), 0), 1)::DOUBLE AS rest_pct,
    round((count(*) FILTER (WHERE high AND flag) / nullif(count(*) FILTER (WHERE high), 0))
        / nullif(count(*) FILTER (WHERE NOT high AND flag) / nullif(count(*) FILTER (WHERE NOT high), 0), 0), 2)::DOUBLE AS lift
FROM long
GROUP BY driver
ORDER BY high_pct DESC NULLS LAST, driver
