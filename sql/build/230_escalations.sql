-- 230_escalations.sql — table `escalations`: one row per `escalated` event, with its effectiveness.
--
-- From `events` (of the conversations in scope: scope_events), using
-- build_settings for the windows.
-- source: 'bot' when the escalation was made by a bot actor, or the
-- conversation was with the bot at it — the last earlier routing event went
-- to a bot, or (no earlier routing) a bot had replied and no human had —
-- else 'tier'.
-- from_queue: the conversation's current queue just before the event (the
-- last queue an earlier event named, event_queue in 201_reference.sql), or
-- the event's own queue when no earlier event named one; to_queue: to.queue,
-- or from_queue if none.
-- effective: the first `resolved` after the escalation comes within
-- windows.escalation_effective, with no `transferred` or `escalated` event in
-- between, and no `reopened` within windows.reopen after that resolution.
-- local_date and channel are the conversation's, so escalations reconcile
-- with `conversations` in every daily rollup.
--
-- Everything is a window over the conversation's events in seq order, never
-- a join of an escalation with the events after it, which would grow with
-- the square of a long conversation's events. Running counts are sum()s:
-- DuckDB 1.4 recounts a running count(*) FILTER per row.
CREATE OR REPLACE TEMP VIEW escalations_delta AS
WITH marked AS (
    SELECT
        conversation_id, event_id, seq, type, occurred_at, occurred_local, channel,
        actor_role, to_role, to_queue, queue,
        is_human_reply(type, actor_role, message_private, message_automated) AS human_reply,
        is_bot_reply(type, actor_role, message_private) AS bot_reply,
        event_queue(type, to_queue, queue) AS named_queue
    FROM scope_events
    -- Only conversations with an escalation have rows here: the windows
    -- below need not sort the others' events (about half of them).
    WHERE conversation_id IN (SELECT conversation_id FROM scope_events WHERE type = 'escalated')
),
running AS (
    SELECT
        *,
        last_value(CASE WHEN is_routing(type) THEN to_role END IGNORE NULLS) OVER before AS holder,
        last_value(named_queue IGNORE NULLS) OVER before AS queue_before,
        coalesce(sum(bot_reply::INTEGER) OVER before, 0) AS bot_replies_before,
        coalesce(sum(human_reply::INTEGER) OVER before, 0) AS human_replies_before,
        -- transfers and escalations up to and including this event
        sum((type IN ('transferred', 'escalated'))::INTEGER) OVER upto AS moves,
        -- on a `resolved` event: when the next `reopened` after it happened
        first_value(CASE WHEN type = 'reopened' THEN occurred_at END IGNORE NULLS) OVER after AS next_reopen_at,
        conversation_channel(first_value(channel IGNORE NULLS) OVER whole) AS conversation_channel,
        first_value(occurred_local) OVER whole AS conversation_started_local
    FROM marked
    WINDOW
        before AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
        upto AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
        after AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
        whole AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
ahead AS (
    -- What comes after each event: the next resolution (with the moves
    -- counted up to it and the reopen after it), and the next human reply.
    SELECT
        *,
        first_value(CASE WHEN type = 'resolved' THEN {'at': occurred_at, 'moves': moves, 'next_reopen_at': next_reopen_at} END IGNORE NULLS)
            OVER after AS next_resolution,
        min(CASE WHEN human_reply THEN occurred_at END) OVER after AS next_human_reply_at
    FROM running
    -- Only the rows these windows read (resolutions, human replies) and the
    -- escalations they are read for: the other events add nothing to them,
    -- and this second sort then holds about a third of the rows (on the
    -- demo: 1.10 CPU-s for this file instead of 1.40).
    WHERE type IN ('escalated', 'resolved') OR human_reply
    WINDOW after AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
)
SELECT
    x.conversation_id,
    x.event_id,
    x.occurred_at AS escalated_at,
    x.conversation_started_local::DATE AS local_date,
    x.conversation_channel AS channel,
    CASE
        WHEN x.actor_role = 'bot' OR x.holder = 'bot' THEN 'bot'
        WHEN x.holder IS NULL AND x.bot_replies_before > 0 AND x.human_replies_before = 0 THEN 'bot'
        ELSE 'tier'
    END AS source,
    coalesce(x.queue_before, x.queue) AS from_queue,
    coalesce(x.to_queue, x.queue_before, x.queue) AS to_queue,
    x.to_role,
    coalesce(
        secs(x.occurred_at, x.next_resolution.at) <= s.escalation_effective_s
        AND x.next_resolution.moves = x.moves
        AND NOT coalesce(secs(x.next_resolution.at, x.next_resolution.next_reopen_at) <= s.reopen_s, false),
        false
    ) AS effective,
    secs(x.occurred_at, x.next_human_reply_at) AS handoff_wait_s
FROM ahead x
CROSS JOIN build_settings s
WHERE x.type = 'escalated'
ORDER BY x.conversation_id, x.seq;

-- Add the rows of the conversations in scope: a full build starts empty, an
-- incremental one deleted their old rows first (end of stmt/scope_affected_events.sql).
CREATE TABLE IF NOT EXISTS escalations AS FROM escalations_delta LIMIT 0;
INSERT INTO escalations FROM escalations_delta;
