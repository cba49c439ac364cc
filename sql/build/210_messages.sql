-- 210_messages.sql — table `messages`: one row per message event, with reply waits.
--
-- From `events` (scope_events: the conversations in scope, see stmt/scope_*_events.sql). A human reply is a public (private = false), non-automated
-- message by an agent; bot messages, automated messages and private notes
-- never are. `burst` numbers the stretches between human replies: a customer
-- message's burst is the number of human replies before it, so the customer
-- messages of burst k are answered by the human reply whose own burst is k
-- (the (k+1)-th human reply). reply_wait_s is set on that reply: seconds from
-- the burst's first customer message to it.
--
-- queue is the conversation's current queue at the message: the last queue
-- named by any earlier event (to_queue for routing events, else queue).
CREATE OR REPLACE TEMP VIEW messages_delta AS
WITH ctx AS (
    -- One sort by (conversation_id, seq) serves all three windows.
    SELECT
        conversation_id, event_id, seq, episode, occurred_at, occurred_local, type,
        actor_role, actor_id, message_text, message_private, message_automated,
        type = 'message' AND actor_role = 'agent'
            AND NOT coalesce(message_private, false)
            AND NOT coalesce(message_automated, false) AS human_reply,
        last_value(coalesce(to_queue, queue) IGNORE NULLS) OVER upto AS queue,
        first_value(channel IGNORE NULLS) OVER whole AS channel,
        coalesce(count(*) FILTER (WHERE type = 'message' AND actor_role = 'agent'
            AND NOT coalesce(message_private, false)
            AND NOT coalesce(message_automated, false)) OVER before, 0)::INTEGER AS burst
    FROM scope_events
    WINDOW
        upto AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
        whole AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
        before AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
SELECT
    conversation_id, event_id, seq, episode, occurred_at, occurred_local,
    actor_role AS sender_role, actor_id AS sender_id, message_text AS text,
    coalesce(message_private, false) AS private, coalesce(message_automated, false) AS automated,
    queue, channel,
    CASE WHEN human_reply THEN secs(
        min(occurred_at) FILTER (WHERE actor_role = 'customer') OVER (PARTITION BY conversation_id, burst),
        occurred_at) END AS reply_wait_s,
    human_reply, burst
FROM ctx
WHERE type = 'message';

-- Add the rows of the conversations in scope: a full build starts empty, an
-- incremental one deleted their old rows first (end of stmt/scope_affected_events.sql).
CREATE TABLE IF NOT EXISTS messages AS FROM messages_delta LIMIT 0;
INSERT INTO messages FROM messages_delta;
