-- 240_conversations.sql — table `conversations`: one row per conversation, every headline metric.
--
-- From `events`, `messages`, `episodes`, `escalations` (of the conversations
-- in scope: scope_conv_events, scope_conv_messages, scope_conv_episodes,
-- scope_conv_escalations; see stmt/scope_*_events.sql), their dimensions
-- (conversation_dimensions_delta, 236) and cost prices (202), other_conversation_starts
-- (the conversations kept from the previous build, for repeat contacts),
-- build_settings, sla_targets, reply_windows and business_open. `complete`,
-- `repeat_window_closed` and reply-window breaches compare with the last event
-- of all of `events`.
-- Each column is defined in docs/metrics.md; the CTEs below follow the same
-- order: event facts, message facts, who holds the clock, agents, business
-- time, repeat contacts, then the friction score. The words they share
-- (human reply, any reply, current queue, status event, the conversation's
-- channel) are the macros of 201_reference.sql; the first response is
-- episode 1's, computed once in 220_episodes.sql.
--
-- Running counts over windows are sum()s: DuckDB 1.4 recounts a running
-- count(*) FILTER per row, quadratic in a long conversation.
CREATE OR REPLACE TEMP VIEW conversations_delta AS
WITH ev AS (
    -- Facts from the whole event stream of each conversation.
    SELECT
        conversation_id,
        arg_min(actor_id, seq) FILTER (WHERE actor_role = 'customer' AND actor_id IS NOT NULL) AS customer_id,
        conversation_channel(arg_min(channel, seq) FILTER (WHERE channel IS NOT NULL)) AS channel,
        arg_min(event_queue(type, to_queue, queue), seq) FILTER (WHERE event_queue(type, to_queue, queue) IS NOT NULL) AS first_queue,
        arg_max(event_queue(type, to_queue, queue), seq) FILTER (WHERE event_queue(type, to_queue, queue) IS NOT NULL) AS last_queue,
        min(occurred_at) AS started_at,
        arg_min(occurred_local, seq) AS started_local,
        max(occurred_at) AS ended_at,
        arg_max(type, seq) FILTER (WHERE is_status(type)) AS last_status,
        min(occurred_at) FILTER (WHERE type = 'resolved') AS first_resolved_at,
        max(occurred_at) FILTER (WHERE type = 'resolved') AS last_resolved_at,
        count(*) FILTER (WHERE type = 'reopened') AS reopens,
        count(*) FILTER (WHERE type = 'escalated') AS escalations,
        count(*) FILTER (WHERE type = 'transferred') AS transfers,
        arg_max(csat_score, seq) FILTER (WHERE type = 'csat' AND csat_score IS NOT NULL) AS csat,
        -- burst ends (210_messages.sql): human replies and status events
        count(*) FILTER (WHERE is_human_reply(type, actor_role, message_private, message_automated) OR is_status(type)) AS burst_ends,
        min(seq) FILTER (WHERE is_routing(type) AND to_role = 'bot') AS first_bot_routing_seq,
        list(seq ORDER BY seq) FILTER (WHERE is_routing(type) AND to_role = 'agent') AS agent_routing_seqs
    FROM scope_conv_events
    GROUP BY conversation_id
),
msg_marked AS (
    SELECT
        conversation_id, seq, occurred_at, sender_role, sender_id, private, automated,
        human_reply, burst, reply_wait_s,
        min(seq) FILTER (WHERE human_reply) OVER whole AS first_human_reply_seq,
        max(burst) FILTER (WHERE sender_role = 'customer') OVER whole AS last_customer_burst,
        -- The previous customer message, if it is in the same burst.
        CASE WHEN last_value(CASE WHEN sender_role = 'customer' THEN burst END IGNORE NULLS) OVER earlier = burst
             THEN last_value(CASE WHEN sender_role = 'customer' THEN occurred_at END IGNORE NULLS) OVER earlier
        END AS previous_in_burst_at,
        last_value(occurred_at) OVER earlier AS previous_message_at
    FROM scope_conv_messages
    -- Both windows share one sort by (conversation_id, seq).
    WINDOW
        whole AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
        earlier AS (PARTITION BY conversation_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
msg AS (
    -- Facts from the messages of each conversation.
    SELECT
        conversation_id,
        count(*) FILTER (WHERE sender_role = 'customer') AS customer_messages,
        count(*) FILTER (WHERE human_reply) AS agent_messages,
        count(*) FILTER (WHERE sender_role = 'bot') AS bot_messages,
        count(*) FILTER (WHERE sender_role = 'bot' AND seq < coalesce(first_human_reply_seq, 9223372036854775807)) AS bot_messages_before_human,
        count(*) FILTER (WHERE automated) AS automated_messages,
        min(seq) FILTER (WHERE human_reply) AS first_human_seq,
        min(seq) FILTER (WHERE is_bot_reply('message', sender_role, private)) AS first_bot_seq,
        median(reply_wait_s) AS median_reply_s,
        -- Sums of durations add whole microseconds (us, 201_reference.sql): exact,
        -- so they do not depend on the order rows are stored in.
        coalesce(sum_seconds(reply_wait_s), 0) AS answered_wait_s,
        arg_min(sender_id, seq) FILTER (WHERE human_reply) AS first_agent_id,
        arg_max(sender_id, seq) FILTER (WHERE human_reply) AS last_agent_id,
        count(DISTINCT sender_id) FILTER (WHERE human_reply) AS replying_agents,
        -- the last burst with a customer message, and when it began
        any_value(last_customer_burst) AS last_customer_burst,
        min(occurred_at) FILTER (WHERE sender_role = 'customer' AND burst = last_customer_burst) AS last_customer_burst_at,
        count(*) FILTER (WHERE sender_role = 'customer' AND previous_in_burst_at IS NOT NULL
                         AND secs(previous_in_burst_at, occurred_at) >= 120) AS customer_nudges,
        -- Agent working time: each human reply stands for the time since the
        -- previous message (reading, looking up, writing), at most 5 minutes;
        -- a longer gap is time the conversation waited, not work. A reply
        -- with nothing before it (an outbound opener) counts the full 5 minutes.
        sum(least(coalesce(us(previous_message_at, occurred_at), 300000000), 300000000)) FILTER (WHERE human_reply) / 1e6 AS agent_handle_s
    FROM msg_marked
    GROUP BY conversation_id
),
repeats AS (
    -- Customer messages sent again: the same text after Unicode (NFC)
    -- normalisation, lower-casing and dropping everything but Unicode letters
    -- and decimal digits; a text left empty (punctuation, emoji) is never a
    -- repeat. Read from the events (the same texts as messages.text), so that
    -- an incremental build need not read the texts of `messages`
    -- (stmt/scope_affected_messages.sql).
    --
    -- The spaces go first, by replace(): the regex costs per run of characters
    -- it drops, and most runs are one space between two words (on the demo,
    -- 2.0 M of the 2.8 M dropped characters), so it is left a run or two of
    -- punctuation per text. Dropping spaces before it leaves the same
    -- letters and digits in the same order. Not before nfc_normalize: a
    -- space keeps a combining mark from composing with the letter before it.
    SELECT conversation_id, count(normalized_text) - count(DISTINCT normalized_text) AS repeated_messages
    FROM (
        SELECT conversation_id,
               nullif(regexp_replace(replace(lower(nfc_normalize(coalesce(message_text, ''))), ' ', ''),
                                     '[^\p{L}\p{Nd}]+', '', 'g'), '') AS normalized_text
        FROM scope_conv_events
        WHERE type = 'message' AND actor_role = 'customer'
    )
    GROUP BY conversation_id
),
clock_events AS (
    -- The clock events (clock_waits_on, 201_reference.sql): a customer
    -- message makes the customer wait on the business ('agent'); any reply (a
    -- public agent or bot message, automated or not) hands the wait to the
    -- customer ('customer'); resolved and reopened stop the clock ('none').
    -- Private notes, system messages, routing events and CSAT change nothing.
    SELECT
        conversation_id, seq, occurred_at, actor_role, actor_id, type = 'resolved' AS is_resolved,
        is_human_reply(type, actor_role, message_private, message_automated) AS human_reply,
        clock_waits_on(type, actor_role, message_private) AS waiting_on
    FROM scope_conv_events
    WHERE clock_waits_on(type, actor_role, message_private) IS NOT NULL
),
clock AS (
    -- Each clock event holds the clock until the next one (the last until
    -- the conversation's last event). wait_no numbers the waits on the
    -- business: the customer messages with the same wait_no form one wait,
    -- ended by the next clock event.
    SELECT
        *,
        lead(occurred_at) OVER w AS next_at,
        lead(waiting_on) OVER w AS next_waiting_on,
        coalesce(sum((waiting_on <> 'agent')::INTEGER) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS wait_no,
        max(CASE WHEN actor_role = 'customer' THEN seq END) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_customer_seq,
        max(seq) FILTER (WHERE is_resolved)
            OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_resolved_seq
    FROM clock_events
    WINDOW w AS (PARTITION BY conversation_id ORDER BY seq)
),
nudges AS (
    -- Nudges: a public agent message (automated or not) that follows the
    -- same agent's own human reply, with no customer message in between,
    -- 2 minutes or more after that reply, whatever other agents wrote in
    -- between. "That reply" is the agent's latest human reply before the
    -- message; an agent message without an actor id is never one.
    SELECT conversation_id, count(*) AS nudges
    FROM (
        SELECT
            conversation_id, occurred_at, previous_customer_seq,
            last_value(CASE WHEN human_reply THEN {'seq': seq, 'at': occurred_at} END IGNORE NULLS) OVER (
                PARTITION BY conversation_id, actor_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
            ) AS own_reply
        FROM clock
        WHERE waiting_on = 'customer' AND actor_role = 'agent' AND actor_id IS NOT NULL
    )
    WHERE own_reply.seq > coalesce(previous_customer_seq, 0)
      AND secs(own_reply.at, occurred_at) >= 120
    GROUP BY conversation_id
),
waits AS (
    -- One row per wait on the business: when it started (its first
    -- message), how long until the clock event that ended it, and what
    -- ended it ('customer': a reply; 'none': a resolution or reopen; 'open':
    -- nothing yet).
    SELECT
        conversation_id,
        min(seq) AS first_seq,
        min(occurred_at) AS wait_started_at,
        sum(us(occurred_at, next_at)) / 1e6 AS wait_s,
        arg_max(coalesce(next_waiting_on, 'open'), seq) AS ended_by,
        any_value(last_resolved_seq) AS last_resolved_seq
    FROM clock
    WHERE waiting_on = 'agent'
    GROUP BY conversation_id, wait_no
),
breaches AS (
    -- A wait ended by a reply is breached when the reply came after the
    -- channel's window; one still open at the end of the conversation when
    -- the window has passed by the warehouse's last event; one ended by a
    -- resolution or reopen never (the business chose to close), nor one
    -- that started after the final resolution of a resolved conversation
    -- (the customer's "thanks" on a closed thread).
    SELECT
        w.conversation_id,
        count(*) FILTER (
            WHERE NOT coalesce(ev.last_status = 'resolved' AND w.first_seq > w.last_resolved_seq, false)
              AND ((w.ended_by = 'customer' AND w.wait_s > rw.window_s)
                OR (w.ended_by = 'open' AND secs(w.wait_started_at, (SELECT max(occurred_at) FROM events)) > rw.window_s))
        ) AS window_breaches
    FROM waits w
    JOIN ev USING (conversation_id)
    JOIN reply_windows rw ON rw.channel = ev.channel
    GROUP BY w.conversation_id
),
clock_totals AS (
    -- Spans up to each next clock event; the span from the last clock event
    -- to the conversation's last event is added in `measured`.
    SELECT
        conversation_id,
        coalesce(sum(us(occurred_at, next_at)) FILTER (WHERE waiting_on = 'agent') / 1e6, 0) AS agent_spans_s,
        coalesce(sum(us(occurred_at, next_at)) FILTER (WHERE waiting_on = 'customer') / 1e6, 0) AS customer_spans_s,
        arg_max(waiting_on, seq) AS last_waiting_on,
        max(occurred_at) AS last_clock_at,
        -- the same within started_at → last resolution (every span before
        -- the last resolved event ends by it)
        coalesce(sum(us(occurred_at, next_at)) FILTER (WHERE waiting_on = 'agent' AND seq < last_resolved_seq) / 1e6, 0) AS resolution_waiting_on_agent_s,
        coalesce(sum(us(occurred_at, next_at)) FILTER (WHERE waiting_on = 'customer' AND seq < last_resolved_seq) / 1e6, 0) AS resolution_waiting_on_customer_s
    FROM clock
    GROUP BY conversation_id
),
agent_counts AS (
    SELECT conversation_id, sender_id, count(*) AS replies, min(seq) AS first_seq
    FROM scope_conv_messages
    WHERE human_reply AND sender_id IS NOT NULL
    GROUP BY conversation_id, sender_id
),
most_active AS (
    SELECT conversation_id, arg_min(sender_id, (-replies, first_seq)) AS most_active_agent_id
    FROM agent_counts
    GROUP BY conversation_id
),
handoff AS (
    SELECT conversation_id, arg_min(handoff_wait_s, escalated_at) AS handoff_wait_s
    FROM scope_conv_escalations
    WHERE source = 'bot' AND to_role = 'agent'
    GROUP BY conversation_id
),
base AS (
    SELECT
        ev.*,
        msg.* EXCLUDE (conversation_id),
        rp.repeated_messages,
        ma.most_active_agent_id,
        h.handoff_wait_s,
        ct.* EXCLUDE (conversation_id),
        nu.nudges,
        -- the first response: episode 1's (220_episodes.sql)
        e1.first_customer_at,
        e1.first_reply_at,
        e1.first_response_s,
        e1.first_response_any_s,
        CASE WHEN rw.window_s IS NOT NULL THEN coalesce(br.window_breaches, 0) END AS window_breaches,
        coalesce(ev.last_status = 'resolved', false) AS resolved,
        -- The last burst with a customer message is still open: no human
        -- reply, resolution or reopen came after it began.
        msg.last_customer_burst = ev.burst_ends AS open_last_burst,
        -- Bot-handled: a bot replied, or the conversation was routed to a bot, before any human reply.
        coalesce(least(msg.first_bot_seq, ev.first_bot_routing_seq) < coalesce(msg.first_human_seq, 9223372036854775807), false) AS bot_handled,
        -- Handed off: after the bot came in, a human replied or the conversation was routed to an agent.
        coalesce(msg.first_human_seq IS NOT NULL
                 OR len(list_filter(ev.agent_routing_seqs, s -> s > least(msg.first_bot_seq, ev.first_bot_routing_seq))) > 0, false) AS handed_to_human
    FROM ev
    LEFT JOIN msg USING (conversation_id)
    LEFT JOIN repeats rp USING (conversation_id)
    LEFT JOIN most_active ma USING (conversation_id)
    LEFT JOIN handoff h USING (conversation_id)
    LEFT JOIN clock_totals ct USING (conversation_id)
    LEFT JOIN nudges nu USING (conversation_id)
    LEFT JOIN breaches br USING (conversation_id)
    LEFT JOIN scope_conv_episodes e1 ON e1.conversation_id = ev.conversation_id AND e1.episode = 1
    LEFT JOIN reply_windows rw ON rw.channel = ev.channel
),
business_points AS (
    -- Instants whose open-time-so-far we need, each on the schedule of the
    -- queue that owns that clock; queues open around the clock need none.
    SELECT b.conversation_id, 'frt_start' AS point, h.queue, b.first_customer_at AS at
    FROM base b JOIN queue_hours h ON h.queue = coalesce(b.first_queue, '') AND NOT h.always_open
    WHERE b.first_reply_at IS NOT NULL
    UNION ALL
    SELECT b.conversation_id, 'frt_end', h.queue, b.first_reply_at
    FROM base b JOIN queue_hours h ON h.queue = coalesce(b.first_queue, '') AND NOT h.always_open
    WHERE b.first_reply_at IS NOT NULL
    UNION ALL
    SELECT b.conversation_id, 'res_start', h.queue, b.started_at
    FROM base b JOIN queue_hours h ON h.queue = coalesce(b.last_queue, '') AND NOT h.always_open
    WHERE b.resolved
    UNION ALL
    SELECT b.conversation_id, 'res_end', h.queue, b.last_resolved_at
    FROM base b JOIN queue_hours h ON h.queue = coalesce(b.last_queue, '') AND NOT h.always_open
    WHERE b.resolved
),
open_so_far AS (
    -- Open seconds of the queue before each instant: the open time before the
    -- last interval that opened at or before it, plus the part of that interval already past.
    SELECT
        p.conversation_id,
        p.point,
        -- in whole microseconds, so differences of large sums stay exact
        coalesce(b.open_before_us + least(greatest(date_diff('microsecond', b.open_at, p.at), 0),
                                          date_diff('microsecond', b.open_at, b.close_at)), 0) AS open_us
    FROM business_points p
    ASOF LEFT JOIN business_open b ON b.queue = p.queue AND p.at >= b.open_at
),
business AS (
    SELECT
        conversation_id,
        (max(open_us) FILTER (WHERE point = 'frt_end') - max(open_us) FILTER (WHERE point = 'frt_start')) / 1e6 AS first_response_business_s,
        (max(open_us) FILTER (WHERE point = 'res_end') - max(open_us) FILTER (WHERE point = 'res_start')) / 1e6 AS resolution_business_s
    FROM open_so_far
    GROUP BY conversation_id
),
next_contact AS (
    -- The same customer's next conversation started after this one's last resolution.
    SELECT a.conversation_id, b.started_at AS next_started_at
    FROM base a
    ASOF JOIN (
        SELECT customer_id, started_at FROM base WHERE customer_id IS NOT NULL
        UNION ALL
        SELECT customer_id, started_at FROM other_conversation_starts WHERE customer_id IS NOT NULL
    ) b
        ON b.customer_id = a.customer_id AND b.started_at > a.last_resolved_at
    -- after the last resolution, even if the conversation was reopened since
    WHERE a.last_resolved_at IS NOT NULL
),
measured AS (
    SELECT
        b.*,
        CASE WHEN fq.always_open THEN b.first_response_s
             ELSE bz.first_response_business_s END AS first_response_business_s,
        CASE WHEN lq.always_open AND b.resolved THEN secs(b.started_at, b.last_resolved_at)
             ELSE bz.resolution_business_s END AS resolution_business_s,
        secs(b.started_at, b.first_resolved_at) AS first_resolution_s,
        CASE WHEN b.resolved THEN secs(b.started_at, b.last_resolved_at) END AS resolution_s,
        coalesce(secs(b.last_resolved_at, n.next_started_at) <= s.repeat_contact_s, false) AS repeat_contact,
        -- The repeat window of the last resolution has closed by the warehouse's
        -- last event (the one `complete` reads): repeat_contact is no longer censored.
        coalesce(secs(b.last_resolved_at, (SELECT max(occurred_at) FROM events)) >= s.repeat_contact_s, false) AS repeat_window_closed,
        b.resolved OR secs(b.ended_at, (SELECT max(occurred_at) FROM events)) >= s.idle_complete_s AS complete,
        sla.first_response_s AS sla_target_s,
        b.agent_spans_s + CASE WHEN b.last_waiting_on = 'agent' THEN secs(b.last_clock_at, b.ended_at) ELSE 0 END AS waiting_on_agent_s,
        b.customer_spans_s + CASE WHEN b.last_waiting_on = 'customer' THEN secs(b.last_clock_at, b.ended_at) ELSE 0 END AS waiting_on_customer_s,
        -- Customer wait for humans: answered bursts, plus the last burst when
        -- it is still open in a conversation left unresolved, until its last event.
        coalesce(b.answered_wait_s, 0)
            + CASE WHEN NOT b.resolved AND b.open_last_burst THEN secs(b.last_customer_burst_at, b.ended_at) ELSE 0 END AS total_wait_s,
        coalesce(NOT b.resolved AND b.open_last_burst, false)::INTEGER AS unanswered_bursts,
        s.weight_time, s.weight_impersonal, s.weight_directness, s.weight_effort
    FROM base b
    CROSS JOIN build_settings s
    LEFT JOIN business bz USING (conversation_id)
    LEFT JOIN queue_hours fq ON fq.queue = coalesce(b.first_queue, '')
    LEFT JOIN queue_hours lq ON lq.queue = coalesce(b.last_queue, '')
    LEFT JOIN next_contact n USING (conversation_id)
    LEFT JOIN sla_targets sla ON sla.channel = b.channel
),
friction AS (
    SELECT
        *,
        -- waiting_on_agent_s, not the calendar duration: the customer's own pauses are no friction
        1 - (1 - sat(total_wait_s, 1800)) * (1 - sat(waiting_on_agent_s, 86400)) AS friction_time,
        1 - (1 - sat(bot_messages_before_human, 3))
          * (1 - sat(automated_messages, 2))
          * (1 - sat(greatest(replying_agents - 1, 0), 1))
          * (1 - sat(nudges, 1)) AS friction_impersonal,
        1 - (1 - sat(transfers, 1)) * (1 - sat(escalations, 1)) * (1 - sat(reopens, 1))
          * (1 - 0.5 * repeat_contact::INTEGER) AS friction_directness,
        1 - (1 - sat(customer_messages, 8)) * (1 - sat(unanswered_bursts, 1))
          * (1 - sat(repeated_messages, 1)) * (1 - sat(customer_nudges, 1)) AS friction_effort
    FROM measured
)
SELECT
    conversation_id,
    customer_id,
    channel,
    first_queue,
    last_queue,
    started_at,
    started_local,
    started_local::DATE AS local_date,
    ended_at,
    most_active_agent_id,
    first_agent_id,
    last_agent_id,
    coalesce(customer_messages, 0) AS customer_messages,
    coalesce(agent_messages, 0) AS agent_messages,
    coalesce(bot_messages, 0) AS bot_messages,
    first_response_s,
    first_response_any_s,
    first_response_business_s,
    sla_target_s,
    CASE WHEN sla_target_s IS NOT NULL AND first_response_business_s IS NOT NULL
         THEN first_response_business_s <= sla_target_s END AS sla_met,
    handoff_wait_s,
    median_reply_s,
    resolved,
    first_resolution_s,
    resolution_s,
    resolution_business_s,
    reopens,
    escalations > 0 AS escalated,
    escalations,
    transfers,
    bot_handled,
    bot_handled AND NOT handed_to_human AND resolved AS bot_contained,
    bot_handled AND handed_to_human AS bot_handed_off,
    bot_handled AND NOT handed_to_human AND NOT resolved AS bot_abandoned,
    complete AND NOT resolved AND coalesce(customer_messages, 0) > 0 AND coalesce(agent_messages, 0) = 0 AS abandoned,
    repeat_contact,
    resolved AND reopens = 0 AND NOT repeat_contact AS fcr,
    repeat_window_closed,
    csat::INTEGER AS csat,
    complete,
    100 * (weight_time * friction_time + weight_impersonal * friction_impersonal
           + weight_directness * friction_directness + weight_effort * friction_effort)
        / (weight_time + weight_impersonal + weight_directness + weight_effort) AS friction_score,
    friction_time,
    friction_impersonal,
    friction_directness,
    friction_effort,
    coalesce(repeated_messages, 0) AS repeated_messages,
    coalesce(customer_nudges, 0) AS customer_nudges,
    unanswered_bursts,
    total_wait_s AS human_wait_s,
    coalesce(waiting_on_agent_s, 0) AS waiting_on_agent_s,
    coalesce(waiting_on_customer_s, 0) AS waiting_on_customer_s,
    coalesce(agent_handle_s, 0) AS agent_handle_s,
    window_breaches,
    coalesce(nudges, 0) AS nudges,
    CASE WHEN resolved THEN coalesce(resolution_waiting_on_agent_s, 0) END AS resolution_waiting_on_agent_s,
    CASE WHEN resolved THEN coalesce(resolution_waiting_on_customer_s, 0) END AS resolution_waiting_on_customer_s,
    -- dimensions (236_conversation_dimensions.sql) and cost (202_dimensions.sql)
    dm.contact_reason,
    dm.market,
    dm.tier,
    dm.dimensions,
    conversation_cost(coalesce(agent_handle_s, 0), bot_handled, channel, last_queue) AS cost
FROM friction
LEFT JOIN conversation_dimensions_delta dm USING (conversation_id);

-- Add the rows of the conversations in scope: a full build starts empty, an
-- incremental one deleted their old rows first (end of stmt/scope_affected_events.sql).
CREATE TABLE IF NOT EXISTS conversations AS FROM conversations_delta LIMIT 0;
INSERT INTO conversations FROM conversations_delta;
