-- Scope of an incremental build, before 210 (the objects are those of
-- stmt/scope_all_events.sql, but scope_conv_events is a temporary table: it
-- holds a small share of the rows, which the metric SQL then reads several
-- times without looking them up in `events` again). It runs after transform
-- replaced the events of build_affected and before any metric table
-- changes, so `conversations` and warehouse_info still describe the previous build.
--
-- Messages, episodes and escalations depend only on their own conversation's
-- events: they are recomputed for build_affected. A `conversations` row also
-- depends on other conversations and on the data's last event, so
-- build_affected_conversations adds:
--   - repeat contacts: the conversations of every customer of an affected
--     conversation (before or after its new events) that ended no earlier
--     than the repeat_contact window before that affected conversation
--     started — only their "next contact" can have changed;
--   - `complete` (and `abandoned`) and reply-window breaches still open,
--     which compare with the last event of the warehouse: if that moved, the
--     conversations that ended within the longer of windows.idle_complete
--     and the longest reply window before the earlier of the two last
--     events, unless they are resolved.
--   - `repeat_window_closed`, which compares a conversation's last resolution
--     with the last event of the warehouse too: if that moved later, the
--     conversations with a resolution whose window was still open and whose
--     first resolution lies windows.repeat_contact or more before the new last
--     event (the last resolution is no earlier than the first, so every window
--     that closes between the two last events is among them: about the
--     resolutions of the time between the two, not a whole window's); if it
--     moved back, those closed whose end lies less than the window before it.
--
-- Lookups in `events` are bounded in time (stmt/ranges.sql): the events of
-- build_affected lie within the spans of their old `episodes` rows or of
-- their new rows (110_affected.sql), those of the other conversations
-- within their episodes' spans, as they did not change.
INSERT INTO build_intervals
SELECT first_new_at AS lo, last_new_at AS hi FROM build_affected
UNION ALL
SELECT started_at, ended_at FROM episodes SEMI JOIN build_affected USING (conversation_id);
SET VARIABLE build_ranges = (FROM build_ranges());

CREATE OR REPLACE TABLE build_affected_conversations AS
WITH affected_events AS (
    -- One pass over `events` serves both steps below.
    SELECT conversation_id, occurred_at, actor_role, actor_id
    FROM events
    WHERE in_build_ranges(occurred_at)
      AND conversation_id IN (SELECT conversation_id FROM build_affected)
),
affected_starts AS (
    SELECT conversation_id, min(occurred_at) AS started_at
    FROM affected_events
    GROUP BY conversation_id
),
touched_customers AS (
    -- Each customer of an affected conversation, with the earliest start of
    -- its affected conversations (old or new; any customer actor counts).
    SELECT customer_id, min(started_at) AS earliest_start
    FROM (
        SELECT c.customer_id, c.started_at
        FROM conversations c
        WHERE c.conversation_id IN (SELECT conversation_id FROM build_affected) AND c.customer_id IS NOT NULL
        UNION ALL
        SELECT e.actor_id, a.started_at
        FROM affected_events e
        JOIN affected_starts a USING (conversation_id)
        WHERE e.actor_role = 'customer' AND e.actor_id IS NOT NULL
    )
    GROUP BY customer_id
),
ends AS (
    SELECT
        (SELECT last_event_at FROM warehouse_info) AS old_last,
        (SELECT max(occurred_at) FROM events) AS new_last,
        greatest((SELECT idle_complete_s FROM build_settings),
                 coalesce((SELECT max(window_s) FROM reply_windows), 0)) AS horizon_s
)
SELECT conversation_id FROM build_affected
UNION
SELECT c.conversation_id
FROM conversations c
JOIN touched_customers t USING (customer_id)
CROSS JOIN build_settings s
WHERE secs(c.ended_at, t.earliest_start) <= s.repeat_contact_s
UNION
SELECT c.conversation_id
FROM conversations c, ends
WHERE ends.old_last IS DISTINCT FROM ends.new_last
  AND secs(c.ended_at, least(ends.old_last, ends.new_last)) <= ends.horizon_s
  -- A resolved conversation is complete whatever the last event, and its
  -- waits all ended by a reply or a status event, except those that began
  -- after its final resolution, which are never breaches.
  AND NOT c.resolved
UNION
SELECT c.conversation_id
FROM conversations c, ends, build_settings s
WHERE ends.old_last IS DISTINCT FROM ends.new_last
  AND c.first_resolution_s IS NOT NULL
  AND CASE WHEN ends.new_last > ends.old_last
           -- first resolution = started_at + first_resolution_s, to the microsecond;
           -- a second's margin keeps the rounding of that sum on the safe side
           THEN NOT c.repeat_window_closed
                AND secs(c.started_at, ends.new_last) - c.first_resolution_s >= s.repeat_contact_s - 1
           ELSE c.repeat_window_closed AND secs(c.ended_at, ends.new_last) < s.repeat_contact_s
      END;

-- Widen the ranges to the added conversations' episodes (the intervals of
-- build_affected stay in), then read `events` once: build_affected is part
-- of build_affected_conversations.
INSERT INTO build_intervals
SELECT started_at, ended_at FROM episodes SEMI JOIN build_affected_conversations USING (conversation_id);
SET VARIABLE build_ranges = (FROM build_ranges());
CREATE OR REPLACE TEMP TABLE scope_conv_events AS
FROM events
WHERE in_build_ranges(occurred_at)
  AND conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CREATE OR REPLACE TEMP VIEW scope_events AS
FROM scope_conv_events WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
CREATE OR REPLACE TEMP VIEW other_conversation_starts AS
SELECT customer_id, started_at
FROM conversations
WHERE conversation_id NOT IN (SELECT conversation_id FROM build_affected_conversations);

-- Last, delete the metric rows that 210-240 compute again (messages, episodes
-- and escalations of build_affected; conversations of
-- build_affected_conversations; other_conversation_starts above is a view,
-- so it is unchanged), and checkpoint before any is inserted, for the reason
-- given in stmt/old_events.sql: a checkpoint that finds deletes and
-- appends in one table rewrites every row group the deletes touched, which
-- for a day's conversations is nearly all of them (measured at L: the
-- closing checkpoint took 2.5 s when each of 210-240 deleted its own rows).
DELETE FROM messages WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
DELETE FROM episodes WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
DELETE FROM escalations WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
DELETE FROM conversations WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CHECKPOINT;
