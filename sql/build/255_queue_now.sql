-- 255_queue_now.sql — view `queue_now`: the live queue, per current queue and channel, as of the newest event.
--
-- From `conversations` (which are open: not `complete`; their current queue,
-- `last_queue`, and channel), `events` (the clock events of the open
-- conversations), `messages` (human replies of the last 15 minutes),
-- `sla_targets`, `reply_windows`, `queue_hours` and `business_open`.
-- "Now" is the newest event of the warehouse (max(occurred_at) of `events`,
-- as `complete` and reply-window breaches read it), so the view answers the
-- same on every read of one build and moves with each build. Each column is
-- defined in docs/metrics.md ("queue_now"); who holds the clock is
-- clock_waits_on (201_reference.sql), the rule of `waiting_on_agent_s`.
--
-- A view, not a table: it is computed when read, over the open conversations
-- only, so it costs the build nothing.
CREATE OR REPLACE VIEW queue_now AS
WITH now AS (
    SELECT max(occurred_at) AS as_of FROM events
),
open_conversations AS (
    SELECT conversation_id, last_queue AS queue, channel
    FROM conversations
    WHERE NOT complete
),
clock AS (
    -- The clock events of the open conversations, each with the last clock
    -- event that was not a customer message before or at the end: the
    -- customer messages after it form the wait still running, if any.
    SELECT
        conversation_id, seq, occurred_at, waiting_on,
        coalesce(max(CASE WHEN waiting_on <> 'agent' THEN seq END) OVER (PARTITION BY conversation_id), 0) AS last_other_seq
    FROM (
        SELECT e.conversation_id, e.seq, e.occurred_at, clock_waits_on(e.type, e.actor_role, e.message_private) AS waiting_on
        FROM events e
        SEMI JOIN open_conversations o ON o.conversation_id = e.conversation_id
        WHERE clock_waits_on(e.type, e.actor_role, e.message_private) IS NOT NULL
    )
),
holder AS (
    -- Who is waited on now: the last clock event holds the clock. A wait
    -- on the business started at the first customer message after the
    -- last reply or status event.
    SELECT
        conversation_id,
        arg_max(waiting_on, seq) AS waiting_on,
        min(occurred_at) FILTER (WHERE waiting_on = 'agent' AND seq > last_other_seq) AS wait_started_at
    FROM clock
    GROUP BY conversation_id
),
current AS (
    SELECT
        o.conversation_id, o.queue, o.channel, h.waiting_on,
        CASE WHEN h.waiting_on = 'agent' THEN h.wait_started_at END AS wait_started_at
    FROM open_conversations o
    LEFT JOIN holder h USING (conversation_id)
),
business_points AS (
    -- The instants whose open time so far the business age of a wait
    -- needs, on the schedule of the conversation's current queue; queues
    -- open around the clock need none.
    SELECT c.conversation_id, 'start' AS point, q.queue, c.wait_started_at AS at
    FROM current c JOIN queue_hours q ON q.queue = coalesce(c.queue, '') AND NOT q.always_open
    WHERE c.wait_started_at IS NOT NULL
    UNION ALL
    SELECT c.conversation_id, 'now', q.queue, n.as_of
    FROM current c CROSS JOIN now n JOIN queue_hours q ON q.queue = coalesce(c.queue, '') AND NOT q.always_open
    WHERE c.wait_started_at IS NOT NULL
),
open_so_far AS (
    -- Open microseconds of the queue before each instant: the open time
    -- before the last interval that opened at or before it, plus the part
    -- of that interval already past (the lookup of 240_conversations.sql).
    SELECT
        p.conversation_id, p.point,
        coalesce(b.open_before_us + least(greatest(date_diff('microsecond', b.open_at, p.at), 0),
                                          date_diff('microsecond', b.open_at, b.close_at)), 0) AS open_us
    FROM business_points p
    ASOF LEFT JOIN business_open b ON b.queue = p.queue AND p.at >= b.open_at
),
business AS (
    SELECT
        conversation_id,
        (max(open_us) FILTER (WHERE point = 'now') - max(open_us) FILTER (WHERE point = 'start')) / 1e6 AS business_wait_s
    FROM open_so_far
    GROUP BY conversation_id
),
measured AS (
    SELECT
        c.*,
        secs(c.wait_started_at, n.as_of) AS wait_s,
        CASE WHEN q.always_open THEN secs(c.wait_started_at, n.as_of) ELSE b.business_wait_s END AS business_wait_s,
        sla.first_response_s AS sla_target_s,
        rw.window_s
    FROM current c
    CROSS JOIN now n
    LEFT JOIN queue_hours q ON q.queue = coalesce(c.queue, '')
    LEFT JOIN business b USING (conversation_id)
    LEFT JOIN sla_targets sla ON sla.channel = c.channel
    LEFT JOIN reply_windows rw ON rw.channel = c.channel
),
queues AS (
    SELECT
        queue,
        channel,
        count(*) AS open,
        count(*) FILTER (WHERE waiting_on = 'agent') AS waiting_on_business,
        count(*) FILTER (WHERE waiting_on = 'customer') AS waiting_on_customer,
        max(wait_s) AS oldest_wait_s,
        -- the longest wait; of waits that started at the same instant, the smallest id
        arg_min(conversation_id, (wait_started_at, conversation_id)) FILTER (WHERE wait_started_at IS NOT NULL) AS oldest_wait_conversation_id,
        count(*) FILTER (WHERE business_wait_s > sla_target_s) AS sla_breached,
        count(*) FILTER (WHERE business_wait_s <= sla_target_s AND business_wait_s >= 0.8 * sla_target_s) AS sla_at_risk,
        count(*) FILTER (WHERE wait_s <= window_s AND wait_s >= 0.8 * window_s) AS window_at_risk,
        count(*) FILTER (WHERE wait_s > window_s) AS window_breached
    FROM measured
    GROUP BY queue, channel
),
agents AS (
    -- Agents (by actor id) with a human reply in the last 15 minutes, by the
    -- queue the conversation was in at the reply and its channel.
    SELECT m.queue, m.channel, count(DISTINCT m.sender_id) AS agents_active
    FROM messages m
    CROSS JOIN now n
    WHERE m.human_reply AND m.sender_id IS NOT NULL
      AND m.occurred_at >= n.as_of - INTERVAL 15 MINUTE
    GROUP BY m.queue, m.channel
)
SELECT
    n.as_of,
    coalesce(q.queue, a.queue) AS queue,
    coalesce(q.channel, a.channel) AS channel,
    coalesce(q.open, 0) AS open,
    coalesce(q.waiting_on_business, 0) AS waiting_on_business,
    coalesce(q.waiting_on_customer, 0) AS waiting_on_customer,
    q.oldest_wait_s,
    q.oldest_wait_conversation_id,
    CASE WHEN sla.channel IS NOT NULL THEN coalesce(q.sla_breached, 0) END AS sla_breached,
    CASE WHEN sla.channel IS NOT NULL THEN coalesce(q.sla_at_risk, 0) END AS sla_at_risk,
    CASE WHEN rw.channel IS NOT NULL THEN coalesce(q.window_at_risk, 0) END AS window_at_risk,
    CASE WHEN rw.channel IS NOT NULL THEN coalesce(q.window_breached, 0) END AS window_breached,
    coalesce(a.agents_active, 0) AS agents_active
FROM queues q
FULL OUTER JOIN agents a ON a.queue IS NOT DISTINCT FROM q.queue AND a.channel = q.channel
CROSS JOIN now n
LEFT JOIN sla_targets sla ON sla.channel = coalesce(q.channel, a.channel)
LEFT JOIN reply_windows rw ON rw.channel = coalesce(q.channel, a.channel);
