-- Average handle time for `parley forecast --aht auto`: the mean of conversations.agent_handle_s
-- (agent working time per conversation) over conversations with any handle time that started
-- on or after $1 (a wall-clock TIMESTAMP, the start of the forecast history).
-- $2 queue and $3 channel filter on conversations.first_queue / channel ('' keeps all).
SELECT avg(agent_handle_s) AS aht_s,
       count(*)            AS conversations
FROM conversations
WHERE agent_handle_s > 0
  AND started_local >= CAST($1 AS TIMESTAMP)
  AND (CAST($2 AS VARCHAR) = '' OR first_queue = $2)
  AND (CAST($3 AS VARCHAR) = '' OR channel = $3);
