-- 220_episodes.sql — table `episodes`: one row per conversation episode.
--
-- From `events` and `messages` (of the conversations in scope: scope_events, scope_messages). Episode 1 starts at the conversation's first
-- event, each later one at a `reopened` event. first_response_s runs from the
-- episode's first customer message to the first human reply after it in the
-- same episode; resolved means the episode's last status event (resolved or
-- reopened) is `resolved`; resolution_s runs from the episode's start to its
-- last `resolved`, and is NULL when the episode is not resolved.
CREATE OR REPLACE TEMP VIEW episodes_delta AS
WITH ep AS (
    SELECT
        conversation_id,
        episode,
        min(occurred_at) AS started_at,
        max(occurred_at) AS ended_at,
        arg_max(type, seq) FILTER (WHERE type IN ('resolved', 'reopened')) AS last_status,
        max(occurred_at) FILTER (WHERE type = 'resolved') AS last_resolved_at
    FROM scope_events
    GROUP BY conversation_id, episode
),
first_customer AS (
    SELECT conversation_id, episode, min(seq) AS seq, min(occurred_at) AS at
    FROM scope_messages
    WHERE sender_role = 'customer'
    GROUP BY conversation_id, episode
),
first_reply AS (
    SELECT r.conversation_id, r.episode, min(r.occurred_at) AS at
    FROM scope_messages r
    JOIN first_customer c USING (conversation_id, episode)
    WHERE r.human_reply AND r.seq > c.seq
    GROUP BY r.conversation_id, r.episode
)
SELECT
    ep.conversation_id,
    ep.episode,
    ep.started_at,
    ep.ended_at,
    secs(c.at, r.at) AS first_response_s,
    coalesce(ep.last_status = 'resolved', false) AS resolved,
    CASE WHEN ep.last_status = 'resolved' THEN secs(ep.started_at, ep.last_resolved_at) END AS resolution_s
FROM ep
LEFT JOIN first_customer c USING (conversation_id, episode)
LEFT JOIN first_reply r USING (conversation_id, episode)
ORDER BY ep.conversation_id, ep.episode;

-- Add the rows of the conversations in scope: a full build starts empty, an
-- incremental one deleted their old rows first (end of stmt/scope_affected_events.sql).
CREATE TABLE IF NOT EXISTS episodes AS FROM episodes_delta LIMIT 0;
INSERT INTO episodes FROM episodes_delta;
