-- The events automatic QA reads (metrics/autoqa.go): those of the
-- conversations in scope (the temp view auto_qa_events: see
-- stmt/auto_qa_scope_*.sql) whose hash falls in chunk $2 of $1, in no
-- order (Go groups them by conversation and orders them by seq: cheaper
-- than a sort here, which carries the texts). Message texts only on public
-- messages of the customer and human agents, and of automated agent
-- messages ($3) and bots ($4) when a check reads them (Suite.ReadsTexts:
-- unread, they only cost); the queue an event names by the event_queue
-- macro (201_reference.sql); the locale attribute where present. The
-- conversations columns come from stmt/auto_qa_conversations.sql: joining
-- them here cost as much again as this scan.
SELECT
    conversation_id,
    seq,
    type,
    actor_role,
    coalesce(message_private, false) AS private,
    coalesce(message_automated, false) AS automated,
    CASE
        WHEN type = 'message' AND NOT coalesce(message_private, false)
            AND (actor_role = 'customer'
                 OR actor_role = 'agent' AND (NOT coalesce(message_automated, false) OR $3)
                 OR actor_role = 'bot' AND $4)
        THEN message_text
    END AS text,
    event_queue(type, to_queue, queue) AS queue,
    attributes['locale'] AS locale
FROM auto_qa_events
-- UBIGINT like hash(): a BIGINT $1 made the modulo HUGEINT, a tenth of the step's CPU.
WHERE hash(conversation_id) % CAST($1 AS UBIGINT) = CAST($2 AS UBIGINT);
