-- The events automatic QA reads (metrics/autoqa.go): those of the
-- conversations in scope (the temp view auto_qa_events: see
-- stmt/auto_qa_scope_*.sql) whose hash falls in chunk $2 of $1, in no
-- order (Go groups them by conversation and orders them by seq: cheaper
-- than a sort here, which carries the texts). Message texts only on public
-- messages; the queue an event names by the event_queue macro
-- (201_reference.sql); the locale attribute where present. The
-- conversations columns come from stmt/auto_qa_conversations.sql: joining
-- them here cost as much again as this scan.
SELECT
    conversation_id,
    seq,
    type,
    actor_role,
    coalesce(message_private, false) AS private,
    coalesce(message_automated, false) AS automated,
    CASE WHEN type = 'message' AND NOT coalesce(message_private, false) THEN message_text END AS text,
    event_queue(type, to_queue, queue) AS queue,
    attributes['locale'] AS locale
FROM auto_qa_events
WHERE hash(conversation_id) % $1 = $2;
