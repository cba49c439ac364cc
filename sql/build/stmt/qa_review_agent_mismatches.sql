-- The reviews whose agent took no part in their conversation (qa_reviews.agent_in_conversation
-- false), for the build's warning (metrics: warnReviewAgents): how many, and the first few.
SELECT count(*) AS reviews,
    coalesce(string_agg(review_id || ' (' || agent_id || ' in ' || conversation_id || ')', ', ' ORDER BY review_id)
        FILTER (WHERE rn <= 5), '') AS first
FROM (
    SELECT *, row_number() OVER (ORDER BY review_id) AS rn
    FROM qa_reviews
    WHERE agent_in_conversation = false
);
