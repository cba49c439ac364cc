-- 220_episodes.sql — table `episodes`: one row per conversation episode.
--
-- From `events` and `messages` (of the conversations in scope: scope_events,
-- scope_messages). Episode 1 starts at the conversation's first event, each
-- later one at a `reopened` event (see 120_events.sql).
--
-- The first response is computed here and only here: from the episode's
-- first customer message (first_customer_at) to the first human reply after
-- it in the same episode (first_reply_at), or to the first reply of any
-- kind, bots and automated messages included (first_any_reply_at). A
-- conversation's first response is its episode 1's (240_conversations.sql
-- reads it from this table).
--
-- resolved means the episode's last status event (resolved or reopened) is
-- `resolved`; resolution_s runs from the episode's start to its last
-- `resolved`, and is NULL when the episode is not resolved.
CREATE OR REPLACE TEMP VIEW episodes_delta AS
WITH ep AS (
    SELECT
        conversation_id,
        episode,
        min(occurred_at) AS started_at,
        max(occurred_at) AS ended_at,
        arg_max(type, seq) FILTER (WHERE is_status(type)) AS last_status,
        max(occurred_at) FILTER (WHERE type = 'resolved') AS last_resolved_at
    FROM scope_events
    GROUP BY conversation_id, episode
),
first_customer AS (
    -- A grouping joined back rather than a window: no sort of the messages
    -- (on the demo 0.31-0.40 CPU-s for this file against 0.44-0.49).
    SELECT conversation_id, episode, min(seq) FILTER (WHERE sender_role = 'customer') AS first_customer_seq
    FROM scope_messages
    GROUP BY conversation_id, episode
),
marked AS (
    SELECT m.conversation_id, m.episode, m.seq, m.occurred_at, m.sender_role, m.private, m.human_reply, f.first_customer_seq
    FROM scope_messages m
    JOIN first_customer f USING (conversation_id, episode)
),
replies AS (
    SELECT
        conversation_id,
        episode,
        min(occurred_at) FILTER (WHERE seq = first_customer_seq) AS first_customer_at,
        min(occurred_at) FILTER (WHERE human_reply AND seq > first_customer_seq) AS first_reply_at,
        min(occurred_at) FILTER (WHERE is_any_reply('message', sender_role, private) AND seq > first_customer_seq) AS first_any_reply_at
    FROM marked
    GROUP BY conversation_id, episode
)
SELECT
    ep.conversation_id,
    ep.episode,
    ep.started_at,
    ep.ended_at,
    secs(r.first_customer_at, r.first_reply_at) AS first_response_s,
    coalesce(ep.last_status = 'resolved', false) AS resolved,
    CASE WHEN ep.last_status = 'resolved' THEN secs(ep.started_at, ep.last_resolved_at) END AS resolution_s,
    secs(r.first_customer_at, r.first_any_reply_at) AS first_response_any_s,
    r.first_customer_at,
    r.first_reply_at
FROM ep
LEFT JOIN replies r USING (conversation_id, episode)
ORDER BY ep.conversation_id, ep.episode;

-- Add the rows of the conversations in scope: a full build starts empty, an
-- incremental one deleted their old rows first (end of stmt/scope_affected_events.sql).
CREATE TABLE IF NOT EXISTS episodes AS FROM episodes_delta LIMIT 0;
INSERT INTO episodes FROM episodes_delta;
