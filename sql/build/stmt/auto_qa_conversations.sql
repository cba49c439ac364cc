-- The conversations automatic QA judges (metrics/autoqa.go): those in scope
-- (the temp view auto_qa_conversations: see stmt/auto_qa_scope_*.sql) whose
-- hash falls in chunk $2 of $1, with the conversations columns the process
-- checks reuse rather than recompute (docs/metrics.md). Their events come
-- from stmt/auto_qa_events.sql; events of a conversation not listed here
-- are not read.
SELECT
    conversation_id,
    channel,
    last_queue,
    resolved,
    complete,
    sla_met,
    sla_target_s,
    first_response_business_s,
    nudges,
    CAST(unanswered_bursts AS BIGINT) AS unanswered_bursts
FROM auto_qa_conversations
-- UBIGINT like hash(): a BIGINT $1 made the modulo HUGEINT, a tenth of the step's CPU.
WHERE hash(conversation_id) % CAST($1 AS UBIGINT) = CAST($2 AS UBIGINT);
