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
SEMI JOIN (SELECT unnest($1::VARCHAR[]) AS id) AS sampled ON conversation_id = sampled.id
ORDER BY conversation_id, seq
