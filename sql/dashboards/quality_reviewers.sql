-- quality_reviewers.sql — each reviewer's mean deviation from the other reviewers' consensus on
-- the calibration conversations of a run, over all categories (each category's mean weighted
-- by the items it covers), in points of the 0-100 scale: above 0 is more lenient than the
-- others. Reads: qa_calibration, qa_reviews. Params: $from, $to (local dates, inclusive).
SELECT
    run,
    reviewer_id AS reviewer,
    sum(reviewer_items)::BIGINT AS ratings,
    round(sum(mean_deviation * reviewer_items) / nullif(sum(reviewer_items), 0), 1)::DOUBLE AS mean_deviation
FROM qa_calibration
WHERE run IN (
    SELECT run FROM qa_reviews
    WHERE calibration AND local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
)
GROUP BY run, reviewer_id
ORDER BY run, reviewer
