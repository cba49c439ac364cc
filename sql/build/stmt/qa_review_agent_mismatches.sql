-- The reviews whose agent took no part in their conversation (qa_reviews.agent_in_conversation
-- false), for the build's warning (metrics: warnReviewAgents): how many, and the first five.
SELECT count(*) AS reviews,
    coalesce(array_to_string(list(review_id || ' (' || agent_id || ' in ' || conversation_id || ')' ORDER BY review_id)[1:5], ', '), '') AS first
FROM qa_reviews
WHERE agent_in_conversation = false;
