-- 245_qa_reviews.sql — tables `qa_ratings` and `qa_reviews`: every QA review's final version,
-- scored, from `qa_review_rows` (the lake's reviews dataset, 135), `conversations` and
-- build_settings. Rebuilt whole by every build, so a full and an incremental build agree.
--
-- A review is the rows sharing a review_id: its versions (kind 'review'; the final one has
-- the latest "at", the time the reviewer last changed it, then the latest recorded_at), and
-- the disputes and resolutions filed against it, whose latest sets the status. Every rating
-- carries the scale, weight and critical flag it was scored under, so a scorecard changed
-- since re-scores nothing. Sums are exact (sum_exact, 201_reference.sql). Columns: docs/metrics.md.

-- qa_final: the final version of every review.
CREATE OR REPLACE TEMP TABLE qa_final AS
SELECT * EXCLUDE (version_rank)
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY review_id ORDER BY "at" DESC, recorded_at DESC, source DESC, line DESC
    ) AS version_rank
    FROM qa_review_rows
    WHERE kind = 'review'
)
WHERE version_rank = 1;

-- qa_ratings: one row per review (final version) and category. rating is NULL when na.
CREATE OR REPLACE TABLE qa_ratings AS
SELECT
    review_id,
    r.category  AS category,
    r.rating    AS rating,
    r.scale_min AS scale_min,
    r.scale_max AS scale_max,
    r.na        AS na,
    r.weight    AS weight,
    r.critical  AS critical,
    r.comment   AS comment
FROM (SELECT review_id, unnest(ratings) AS r FROM qa_final)
ORDER BY review_id, category;

-- qa_reviews: one row per review, its final version scored. score = 100 × the weighted mean
-- of the ratings scaled to 0-1 ((rating - scale_min) / (scale_max - scale_min)), N/A left out
-- of numerator and denominator; 0 when a critical category got the lowest rating of its scale
-- (critical_failed); NULL when every category is N/A. local_date is the conversation's; when
-- parley erase removed events of it, the earliest it removed (conversation_started_at) counts as
-- the conversation's start if earlier than what is left, so an erase moves no review. A review of
-- a conversation the warehouse does not hold is kept, with conversation_found false and, failing
-- conversation_started_at, the local date of reviewed_at.
-- agent_in_conversation: the reviewed agent wrote in the conversation or was assigned it; a
-- scores file can name any agent (an edited agent_id column), and the build warns of each
-- review whose agent took no part (metrics: warnReviewAgents).
CREATE OR REPLACE TABLE qa_reviews AS
WITH took_part AS (
    SELECT DISTINCT conversation_id, agent_id
    FROM (
        SELECT conversation_id, actor_id AS agent_id FROM events WHERE actor_role = 'agent'
        UNION ALL
        SELECT conversation_id, to_id FROM events WHERE to_role = 'agent'
    )
    WHERE agent_id IS NOT NULL AND conversation_id IN (SELECT conversation_id FROM qa_final)
), scored AS (
    SELECT
        review_id,
        sum_exact(CASE WHEN NOT na THEN weight * (rating - scale_min) / (scale_max - scale_min) END) AS num,
        sum_exact(CASE WHEN NOT na THEN weight END) AS den,
        coalesce(bool_or(critical AND NOT na AND rating = scale_min), false) AS critical_failed
    FROM qa_ratings
    GROUP BY review_id
), lifecycle AS (
    -- The latest dispute or resolution; on a tie of times the resolution is the later.
    SELECT
        review_id,
        arg_max(
            CASE WHEN kind = 'dispute' THEN 'disputed'
                 WHEN decision = 'accept' THEN 'dispute_accepted'
                 ELSE 'dispute_rejected' END,
            ("at", recorded_at, kind = 'resolution')
        ) AS status
    FROM qa_review_rows
    WHERE kind IN ('dispute', 'resolution')
    GROUP BY review_id
)
SELECT
    f.review_id,
    f.conversation_id,
    f.reviewer_id,
    coalesce(f.agent_id, c.most_active_agent_id) AS agent_id,
    f.scorecard,
    f.scorecard_version,
    CASE WHEN s.critical_failed THEN 0.0 ELSE 100 * s.num / nullif(s.den, 0) END AS score,
    coalesce(s.critical_failed, false) AS critical_failed,
    coalesce(l.status, 'submitted') AS status,
    f."at" AS reviewed_at,
    CASE WHEN f.conversation_started_at < c.started_at OR c.conversation_id IS NULL
         THEN CAST(timezone(b.timezone, timezone('UTC', coalesce(f.conversation_started_at, f."at"))) AS DATE)
         ELSE c.local_date END AS local_date,
    f.run,
    f.calibration,
    f.comment,
    c.conversation_id IS NOT NULL AS conversation_found,
    CASE WHEN c.conversation_id IS NOT NULL AND coalesce(f.agent_id, c.most_active_agent_id) IS NOT NULL
         THEN t.agent_id IS NOT NULL END AS agent_in_conversation
FROM qa_final AS f
CROSS JOIN build_settings AS b
LEFT JOIN scored AS s USING (review_id)
LEFT JOIN lifecycle AS l USING (review_id)
LEFT JOIN conversations AS c ON c.conversation_id = f.conversation_id
LEFT JOIN took_part AS t ON t.conversation_id = f.conversation_id AND t.agent_id = coalesce(f.agent_id, c.most_active_agent_id)
ORDER BY f.review_id;

DROP TABLE qa_final;
