-- resolution_handoff.sql — handoff wait after an escalation, from the bot and between tiers.
-- Reads: escalations. Params: $from, $to (local dates, inclusive).
-- 'not picked up' counts escalations no human answered (handoff_wait_s IS NULL).
WITH buckets(idx, label, lo, hi) AS (
    VALUES (1, '< 1 min', 0, 60), (2, '1–5 min', 60, 300), (3, '5–15 min', 300, 900),
           (4, '15–60 min', 900, 3600), (5, '1–4 h', 3600, 14400), (6, '4 h+', 14400, NULL),
           (7, 'not picked up', NULL, NULL)
), e AS (
    SELECT source, handoff_wait_s AS s FROM escalations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
), sources AS (
    SELECT DISTINCT source FROM e
)
SELECT sources.source, b.idx, b.label, count(e.source) AS escalations
FROM sources CROSS JOIN buckets AS b
LEFT JOIN e ON e.source = sources.source AND (
    (b.lo IS NULL AND e.s IS NULL) OR (e.s >= b.lo AND (b.hi IS NULL OR e.s < b.hi)))
GROUP BY ALL
ORDER BY sources.source, b.idx
