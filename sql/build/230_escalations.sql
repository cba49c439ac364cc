-- 230_escalations.sql — table `escalations`: one row per `escalated` event, with its effectiveness.
--
-- From `events` and `messages` (of the conversations in scope: scope_events, scope_messages), using build_settings for the windows.
-- source: 'bot' when the conversation was with the bot at the escalation —
-- the escalation was made by the bot, or the last earlier routing event went
-- to a bot, or (no earlier routing) a bot had replied and no human had —
-- else 'tier'.
-- effective: the first `resolved` after the escalation comes within
-- windows.escalation_effective, with no `transferred` or `escalated` event in
-- between, and no `reopened` within windows.reopen after that resolution.
-- local_date and channel are the conversation's, so escalations reconcile
-- with `conversations` in every daily rollup.
CREATE OR REPLACE TEMP VIEW escalations_delta AS
WITH ev AS (
    SELECT
        e.*,
        last_value(CASE WHEN type IN ('assigned', 'escalated', 'transferred') THEN to_role END IGNORE NULLS) OVER before AS holder,
        last_value(coalesce(to_queue, queue) IGNORE NULLS) OVER before AS queue_before,
        count(*) FILTER (WHERE type = 'message' AND actor_role = 'bot' AND NOT coalesce(message_private, false)) OVER before AS bot_replies_before,
        count(*) FILTER (WHERE type = 'message' AND actor_role = 'agent' AND NOT coalesce(message_private, false)
                         AND NOT coalesce(message_automated, false)) OVER before AS human_replies_before,
        first_value(channel IGNORE NULLS) OVER whole AS conversation_channel,
        first_value(occurred_local) OVER whole AS conversation_started_local
    FROM scope_events e
    WINDOW
        before AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
        whole AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
esc AS (
    SELECT
        conversation_id,
        event_id,
        seq,
        occurred_at AS escalated_at,
        conversation_started_local::DATE AS local_date,
        conversation_channel AS channel,
        CASE
            WHEN actor_role = 'bot' OR holder = 'bot' THEN 'bot'
            WHEN holder IS NULL AND coalesce(bot_replies_before, 0) > 0 AND coalesce(human_replies_before, 0) = 0 THEN 'bot'
            ELSE 'tier'
        END AS source,
        coalesce(queue, queue_before) AS from_queue,
        coalesce(to_queue, queue, queue_before) AS to_queue,
        to_role
    FROM ev
    WHERE type = 'escalated'
),
next_resolution AS (
    SELECT x.event_id, min(e.seq) AS resolved_seq, min(e.occurred_at) AS resolved_at
    FROM esc x
    JOIN scope_events e ON e.conversation_id = x.conversation_id AND e.seq > x.seq AND e.type = 'resolved'
    GROUP BY x.event_id
),
after AS (
    SELECT
        x.event_id,
        count(*) FILTER (WHERE e.type IN ('transferred', 'escalated') AND e.seq < n.resolved_seq) AS moves_before_resolution,
        count(*) FILTER (WHERE e.type = 'reopened' AND e.occurred_at > n.resolved_at
                         AND secs(n.resolved_at, e.occurred_at) <= s.reopen_s) AS reopens_after_resolution
    FROM esc x
    JOIN next_resolution n USING (event_id)
    CROSS JOIN build_settings s
    JOIN scope_events e ON e.conversation_id = x.conversation_id AND e.seq > x.seq
    GROUP BY x.event_id
),
next_reply AS (
    SELECT x.event_id, min(m.occurred_at) AS replied_at
    FROM esc x
    JOIN scope_messages m ON m.conversation_id = x.conversation_id AND m.seq > x.seq AND m.human_reply
    GROUP BY x.event_id
)
SELECT
    x.conversation_id,
    x.event_id,
    x.escalated_at,
    x.local_date,
    x.channel,
    x.source,
    x.from_queue,
    x.to_queue,
    x.to_role,
    coalesce(
        secs(x.escalated_at, n.resolved_at) <= s.escalation_effective_s
        AND a.moves_before_resolution = 0
        AND a.reopens_after_resolution = 0,
        false
    ) AS effective,
    secs(x.escalated_at, r.replied_at) AS handoff_wait_s
FROM esc x
CROSS JOIN build_settings s
LEFT JOIN next_resolution n USING (event_id)
LEFT JOIN after a USING (event_id)
LEFT JOIN next_reply r USING (event_id)
ORDER BY x.conversation_id, x.escalated_at;

-- Add the rows of the conversations in scope: a full build starts empty, an
-- incremental one deleted their old rows first (end of stmt/scope_affected_events.sql).
CREATE TABLE IF NOT EXISTS escalations AS FROM escalations_delta LIMIT 0;
INSERT INTO escalations FROM escalations_delta;
