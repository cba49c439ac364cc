-- quality_categories.sql — which categories fail most, on the Quality page: per category, its
-- ratings, N/A marks, the mean rating scaled to 0-100, and how often it got the lowest point of
-- its scale (fail_pct; for a critical category that fails the review). Reads: qa_reviews,
-- qa_ratings (not calibration reviews). Params: $from, $to (local dates, inclusive).
SELECT
    q.category,
    bool_or(q.critical) AS critical,
    count(*) FILTER (WHERE NOT q.na) AS rated,
    count(*) FILTER (WHERE q.na) AS na,
    round(100 * avg((q.rating - q.scale_min) / (q.scale_max - q.scale_min)), 1)::DOUBLE AS mean,
    count(*) FILTER (WHERE q.rating = q.scale_min) AS fails,
    round(100 * count(*) FILTER (WHERE q.rating = q.scale_min) / nullif(count(*) FILTER (WHERE NOT q.na), 0), 1)::DOUBLE AS fail_pct
FROM qa_reviews AS r
JOIN qa_ratings AS q USING (review_id)
WHERE NOT r.calibration AND r.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
GROUP BY q.category
ORDER BY fail_pct DESC NULLS LAST, q.category
