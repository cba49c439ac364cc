-- quality_kpis.sql — the tiles of the Quality page: reviews and their scores, critical fails,
-- disputes. Reads: qa_reviews. Params: $from, $to (local dates, inclusive; a review's
-- local_date is its conversation's). Calibration reviews measure reviewers, not agents: they
-- count only in calibration_reviews. Disputes count every review's current status.
WITH r AS (
    SELECT * FROM qa_reviews
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
)
SELECT
    count(*) FILTER (WHERE NOT calibration) AS reviews,
    count(score) FILTER (WHERE NOT calibration) AS scored,
    round(avg(score) FILTER (WHERE NOT calibration), 1)::DOUBLE AS mean_score,
    count(*) FILTER (WHERE NOT calibration AND critical_failed) AS critical_fails,
    round(100 * count(*) FILTER (WHERE NOT calibration AND critical_failed)
        / nullif(count(*) FILTER (WHERE NOT calibration), 0), 1)::DOUBLE AS critical_fail_pct,
    count(*) FILTER (WHERE calibration) AS calibration_reviews,
    count(*) FILTER (WHERE NOT conversation_found) AS unknown_conversations,
    count(*) FILTER (WHERE status = 'disputed') AS disputes_open,
    count(*) FILTER (WHERE status = 'dispute_accepted') AS disputes_accepted,
    count(*) FILTER (WHERE status = 'dispute_rejected') AS disputes_rejected,
    round(100 * count(*) FILTER (WHERE status = 'dispute_accepted')
        / nullif(count(*) FILTER (WHERE status IN ('dispute_accepted', 'dispute_rejected')), 0), 1)::DOUBLE AS disputes_accepted_pct
FROM r
