-- reviews.sql — parley serve's list of reviews: every final review, or those of one agent.
-- Reads: qa_reviews. Params: $agent (the reviewed agent's id; NULL for every agent's).
SELECT review_id, conversation_id, agent_id, reviewer_id, scorecard, score, critical_failed, status, reviewed_at, run, calibration
FROM qa_reviews
WHERE $agent::VARCHAR IS NULL OR agent_id = $agent::VARCHAR
ORDER BY reviewed_at DESC, review_id
LIMIT 1000
