-- Before the passes of a chunked full build: in_build_chunk(conversation_id),
-- whether a conversation belongs to the pass that build_chunk names
-- (stmt/set_chunk.sql), and every conversation's customer and start, defined
-- as in the `ev` step of 240_conversations.sql, so that a pass finds a
-- customer's next conversation (a repeat contact) in the other chunks.
CREATE OR REPLACE TEMP TABLE build_chunk (k UBIGINT, n UBIGINT);
CREATE OR REPLACE TEMP MACRO in_build_chunk(conversation) AS
    hash(conversation) % (SELECT n FROM build_chunk) = (SELECT k FROM build_chunk);

CREATE OR REPLACE TEMP TABLE build_conversation_starts AS
SELECT
    conversation_id,
    arg_min(actor_id, seq) FILTER (WHERE actor_role = 'customer' AND actor_id IS NOT NULL) AS customer_id,
    min(occurred_at) AS started_at
FROM events
GROUP BY conversation_id;
