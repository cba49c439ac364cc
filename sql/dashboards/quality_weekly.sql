-- quality_weekly.sql — the score trend of the Quality page: one row per ISO week (Monday
-- first) of the reviews' local dates. Reads: qa_reviews (not calibration reviews).
-- Params: $from, $to (local dates, inclusive).
SELECT
    strftime(date_trunc('week', local_date), '%G-W%V') AS week,
    count(*) AS reviews,
    round(avg(score), 1)::DOUBLE AS mean_score,
    round(100 * count(*) FILTER (WHERE critical_failed) / count(*), 1)::DOUBLE AS critical_fail_pct
FROM qa_reviews
WHERE NOT calibration AND local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
GROUP BY 1
ORDER BY 1
