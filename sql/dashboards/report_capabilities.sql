-- report_capabilities.sql — what the data holds at all, over the whole warehouse (not the
-- period): a rate over data that lacks the events it needs reads "not in this data" on the
-- pages rather than 0 % (Twitter threads have no resolved events, for instance).
-- Reads: events, conversations. Params: none.
SELECT
    count(*) FILTER (WHERE type = 'resolved') > 0 AS resolved,
    count(*) FILTER (WHERE type = 'reopened') > 0 AS reopened,
    count(*) FILTER (WHERE type = 'csat') > 0 AS csat,
    count(*) FILTER (WHERE type = 'escalated') > 0 AS escalations,
    count(*) FILTER (WHERE actor_role = 'bot' OR to_role = 'bot') > 0 AS bot,
    (SELECT count(customer_id) > 0 FROM conversations) AS customers,
    (SELECT count(cost) > 0 FROM conversations) AS cost,
    (SELECT count(sla_met) > 0 FROM conversations) AS sla,
    (SELECT count(window_breaches) > 0 FROM conversations) AS windows,
    (SELECT count(market) > 0 FROM conversations) AS markets
FROM events
