-- 210_messages.sql — table `messages`: one row per message event, with reply waits.
--
-- From `events`. A human reply is a public (private = false), non-automated
-- message by an agent; bot messages, automated messages and private notes
-- never are. `burst` numbers the stretches between human replies: a customer
-- message's burst is the number of human replies before it, so the customer
-- messages of burst k are answered by the human reply whose own burst is k
-- (the (k+1)-th human reply). reply_wait_s is set on that reply: seconds from
-- the burst's first customer message to it.
--
-- queue is the conversation's current queue at the message: the last queue
-- named by any earlier event (to_queue for routing events, else queue).
CREATE OR REPLACE TABLE messages AS
WITH queue_at AS (
    SELECT
        event_id,
        last_value(coalesce(to_queue, queue) IGNORE NULLS) OVER (
            PARTITION BY conversation_id ORDER BY seq
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS queue
    FROM events
),
conversation_channel AS (
    SELECT conversation_id, arg_min(channel, seq) AS channel
    FROM events
    WHERE channel IS NOT NULL
    GROUP BY conversation_id
),
m AS (
    SELECT
        event_id,
        conversation_id,
        seq,
        occurred_at,
        actor_role,
        actor_role = 'agent'
            AND NOT coalesce(message_private, false)
            AND NOT coalesce(message_automated, false) AS human_reply
    FROM events
    WHERE type = 'message'
),
bursts AS (
    SELECT
        *,
        coalesce(count(*) FILTER (WHERE human_reply) OVER (
            PARTITION BY conversation_id ORDER BY seq
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0)::INTEGER AS burst
    FROM m
),
waits AS (
    SELECT
        event_id,
        human_reply,
        burst,
        CASE WHEN human_reply THEN secs(
            min(occurred_at) FILTER (WHERE actor_role = 'customer') OVER (PARTITION BY conversation_id, burst),
            occurred_at
        ) END AS reply_wait_s
    FROM bursts
)
SELECT
    e.conversation_id,
    e.event_id,
    e.seq,
    e.episode,
    e.occurred_at,
    e.occurred_local,
    e.actor_role                          AS sender_role,
    e.actor_id                            AS sender_id,
    e.message_text                        AS text,
    coalesce(e.message_private, false)    AS private,
    coalesce(e.message_automated, false)  AS automated,
    q.queue,
    c.channel,
    w.reply_wait_s,
    w.human_reply,
    w.burst
FROM events e
JOIN waits w USING (event_id)
JOIN queue_at q USING (event_id)
LEFT JOIN conversation_channel c USING (conversation_id);
