-- quality_calibration.sql — reviewer agreement on the Quality page: Krippendorff's alpha and
-- the mean spread per calibration run and category, for the runs with calibration reviews in
-- the period. Reads: qa_calibration, qa_reviews. Params: $from, $to (local dates, inclusive).
SELECT DISTINCT
    run, scorecard, category, level, reviewers, items,
    round(alpha, 3)::DOUBLE AS alpha,
    round(mean_spread, 1)::DOUBLE AS mean_spread
FROM qa_calibration
WHERE run IN (
    SELECT run FROM qa_reviews
    WHERE calibration AND local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
)
ORDER BY run, scorecard, category
