-- quality_customer.sql — quality beside the customer, the scatter of the Quality page: each
-- scored review (not calibration) of a conversation the warehouse holds, with that
-- conversation's CSAT and friction score. Reads: qa_reviews, conversations.
-- Params: $from, $to (local dates, inclusive).
SELECT
    r.score,
    c.csat,
    c.friction_score
FROM qa_reviews AS r
JOIN conversations AS c USING (conversation_id)
WHERE NOT r.calibration AND r.score IS NOT NULL
  AND r.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
ORDER BY r.review_id
