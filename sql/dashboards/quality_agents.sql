-- quality_agents.sql — the agents table of the Quality page: each reviewed agent's quality
-- score (the mean of their final review scores) over the period, with its n. Reads: qa_reviews
-- (not calibration reviews). Params: $from, $to (local dates, inclusive). By week:
-- qa_agent_weekly.
SELECT
    agent_id AS agent,
    count(*) AS reviews,
    count(score) AS scored,
    round(avg(score), 1)::DOUBLE AS mean_score,
    count(*) FILTER (WHERE critical_failed) AS critical_fails,
    count(*) FILTER (WHERE status = 'disputed') AS disputes_open
FROM qa_reviews
WHERE NOT calibration AND agent_id IS NOT NULL
  AND local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
GROUP BY agent_id
ORDER BY mean_score DESC NULLS LAST, agent
