-- The sampled conversations' events in conversation order, for the
-- transcript pages: messages with their speaker, notes, routing, status and
-- CSAT. $1 is the list of sampled conversation ids.
SELECT
    conversation_id, seq, episode, type,
    occurred_local,
    actor_role, actor_id, queue,
    message_text, message_private, message_automated,
    to_role, to_id, to_queue,
    csat_score
FROM events
WHERE conversation_id IN (SELECT unnest($1::VARCHAR[]))
ORDER BY conversation_id, seq
