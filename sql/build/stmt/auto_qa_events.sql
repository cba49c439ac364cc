-- The events automatic QA reads (metrics/autoqa.go): those of the
-- conversations in scope (auto_qa_events, auto_qa_conversations: see
-- stmt/auto_qa_scope_*.sql) whose hash falls in chunk $2 of $1, in no
-- order (Go groups them by conversation and orders them by seq: cheaper
-- than a sort here, which carries the texts). Message texts only on public messages; the queue an
-- event names by the event_queue macro (201_reference.sql); the locale
-- attribute where present. The conversations columns the process checks
-- reuse come once, on the conversation's first event (seq 1).
SELECT
    e.conversation_id,
    e.seq,
    e.type,
    e.actor_role,
    coalesce(e.message_private, false) AS private,
    coalesce(e.message_automated, false) AS automated,
    CASE WHEN e.type = 'message' AND NOT coalesce(e.message_private, false) THEN e.message_text END AS text,
    event_queue(e.type, e.to_queue, e.queue) AS queue,
    e.attributes['locale'] AS locale,
    CASE WHEN e.seq = 1 THEN c.channel END AS channel,
    CASE WHEN e.seq = 1 THEN c.last_queue END AS last_queue,
    CASE WHEN e.seq = 1 THEN c.resolved END AS resolved,
    CASE WHEN e.seq = 1 THEN c.complete END AS complete,
    CASE WHEN e.seq = 1 THEN c.sla_met END AS sla_met,
    CASE WHEN e.seq = 1 THEN c.sla_target_s END AS sla_target_s,
    CASE WHEN e.seq = 1 THEN c.first_response_business_s END AS first_response_business_s,
    CASE WHEN e.seq = 1 THEN c.nudges END AS nudges,
    CASE WHEN e.seq = 1 THEN CAST(c.unanswered_bursts AS BIGINT) END AS unanswered_bursts
FROM auto_qa_events AS e
JOIN auto_qa_conversations AS c USING (conversation_id)
WHERE hash(e.conversation_id) % $1 = $2;
