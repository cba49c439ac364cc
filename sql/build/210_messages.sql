-- 210_messages.sql — table `messages`: one row per message event, with reply waits.
--
-- From `events` (scope_events: the conversations in scope, see
-- stmt/scope_*_events.sql). A human reply (is_human_reply, 201_reference.sql)
-- is a public, non-automated message by an agent; bot messages, automated
-- messages and private notes never are.
--
-- `burst` numbers the stretches of the conversation between burst ends: a
-- human reply, a `resolved` or a `reopened` event. A message's burst is the
-- number of burst ends before it, so the customer messages of burst k are
-- answered by the human reply whose own burst is k, if one comes before the
-- next status event; customer messages followed by a resolution or a reopen
-- before any human reply are no wait for a reply (docs/metrics.md,
-- "messages"). reply_wait_s is set on that reply: seconds from the burst's
-- first customer message to it.
--
-- queue is the conversation's current queue at the message: the last queue
-- named by it or an earlier event (event_queue: to_queue for routing events,
-- else queue). channel is the conversation's (conversation_channel).
CREATE OR REPLACE TEMP VIEW messages_delta AS
WITH marked AS (
    SELECT
        *,
        is_human_reply(type, actor_role, message_private, message_automated) AS human_reply,
        event_queue(type, to_queue, queue) AS named_queue
    FROM scope_events
),
ctx AS (
    -- One sort by (conversation_id, seq) serves all three windows. Running
    -- counts are sum()s: DuckDB 1.4 recounts a running count(*) FILTER per
    -- row, quadratic in a long conversation.
    SELECT
        conversation_id, event_id, seq, episode, occurred_at, occurred_local, type,
        actor_role, actor_id, message_text, message_private, message_automated, human_reply,
        last_value(named_queue IGNORE NULLS) OVER upto AS queue,
        conversation_channel(first_value(channel IGNORE NULLS) OVER whole) AS channel,
        coalesce(sum((human_reply OR is_status(type))::INTEGER) OVER before, 0)::INTEGER AS burst
    FROM marked
    WINDOW
        upto AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
        whole AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
        before AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
burst_starts AS (
    -- When each burst's first customer message came. A grouping joined back,
    -- not a window over (conversation_id, burst): that window sorted every
    -- message again with all its columns, texts included (on the demo this
    -- file took 2.2-2.5 CPU-s this way against 2.5-2.8).
    SELECT conversation_id, burst, min(occurred_at) FILTER (WHERE actor_role = 'customer') AS burst_start_at
    FROM ctx
    WHERE type = 'message'
    GROUP BY conversation_id, burst
)
SELECT
    conversation_id, event_id, seq, episode, occurred_at, occurred_local,
    actor_role AS sender_role, actor_id AS sender_id, message_text AS text,
    coalesce(message_private, false) AS private, coalesce(message_automated, false) AS automated,
    queue, channel,
    CASE WHEN human_reply THEN secs(b.burst_start_at, occurred_at) END AS reply_wait_s,
    human_reply, burst
FROM ctx
LEFT JOIN burst_starts b USING (conversation_id, burst)
WHERE type = 'message';

-- Add the rows of the conversations in scope: a full build starts empty, an
-- incremental one deleted their old rows first (end of stmt/scope_affected_events.sql).
CREATE TABLE IF NOT EXISTS messages AS FROM messages_delta LIMIT 0;
INSERT INTO messages FROM messages_delta;
