-- Average handle time for `parley forecast --aht auto` when the warehouse has no
-- agent_handle_s column: an estimate from message timing alone.
-- Each public, non-automated agent message counts the time since the previous message of
-- its conversation as work (reading what came before and writing the reply), capped at
-- $4 seconds: a longer gap is time the conversation waited, not time an agent worked on it.
-- A conversation's handle time is the sum over its agent messages; the result is the mean
-- over conversations with at least one such message that started on or after $1 (wall clock),
-- filtered by $2 queue (first_queue) and $3 channel ('' keeps all).
WITH gaps AS (
    SELECT conversation_id,
           sender_role,
           coalesce(private, false)   AS private,
           coalesce(automated, false) AS automated,
           epoch(occurred_at - lag(occurred_at) OVER (PARTITION BY conversation_id ORDER BY seq)) AS gap_s
    FROM messages
),
per_conversation AS (
    SELECT conversation_id, sum(least(gap_s, CAST($4 AS DOUBLE))) AS handle_s
    FROM gaps
    WHERE sender_role = 'agent' AND NOT private AND NOT automated AND gap_s IS NOT NULL
    GROUP BY conversation_id
)
SELECT avg(p.handle_s) AS aht_s,
       count(*)        AS conversations
FROM per_conversation p
JOIN conversations c USING (conversation_id)
WHERE c.started_local >= CAST($1 AS TIMESTAMP)
  AND (CAST($2 AS VARCHAR) = '' OR c.first_queue = $2)
  AND (CAST($3 AS VARCHAR) = '' OR c.channel = $3);
