-- review.sql — one review for parley serve's review page (its final version, as qa_reviews holds it).
-- Reads: qa_reviews. Params: $id (the review id).
SELECT review_id, conversation_id, agent_id, reviewer_id, scorecard, scorecard_version, score, critical_failed,
    status, reviewed_at, run, calibration, comment
FROM qa_reviews
WHERE review_id = $id
