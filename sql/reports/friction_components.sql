-- friction_components.sql — mean of the four friction components (each 0..1) per channel and overall.
-- Reads: conversations. Params: $from, $to (local dates, inclusive).
SELECT
    CASE WHEN grouping(channel) = 1 THEN 'All channels' ELSE channel END AS channel,
    count(friction_score) AS conversations,
    round(avg(friction_time), 3)::DOUBLE AS time,
    round(avg(friction_impersonal), 3)::DOUBLE AS impersonal,
    round(avg(friction_directness), 3)::DOUBLE AS directness,
    round(avg(friction_effort), 3)::DOUBLE AS effort
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND friction_score IS NOT NULL
GROUP BY GROUPING SETS ((channel), ())
HAVING count(*) > 0 -- the grand total exists even for an empty period
ORDER BY grouping(channel) DESC, conversations DESC, channel
