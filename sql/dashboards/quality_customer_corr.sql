-- quality_customer_corr.sql — does the rubric measure what customers feel? Pearson's
-- correlation of the review score with the conversation's CSAT and with its friction score,
-- with the number of pairs each, over the rows of quality_customer.sql. A correlation is NULL
-- where it is undefined: fewer than two pairs, or one side constant (every CSAT the same), where
-- corr() gives NaN. Reads: qa_reviews,
-- conversations. Params: $from, $to (local dates, inclusive).
SELECT
    count(c.csat) AS csat_pairs,
    round(nullif(corr(r.score, c.csat), 'NaN'::DOUBLE), 3)::DOUBLE AS csat_corr,
    count(c.friction_score) AS friction_pairs,
    round(nullif(corr(r.score, c.friction_score), 'NaN'::DOUBLE), 3)::DOUBLE AS friction_corr
FROM qa_reviews AS r
JOIN conversations AS c USING (conversation_id)
WHERE NOT r.calibration AND r.score IS NOT NULL
  AND r.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
