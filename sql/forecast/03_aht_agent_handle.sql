-- Average handle time for `parley forecast --aht auto`: the mean of conversations.agent_handle_s
-- (agent working time per conversation) over the conversations the forecast's history counts as
-- arrivals, with any handle time. A conversation arrives at its first customer message, in its queue
-- and on its channel (as sql/forecast/01_arrivals.sql counts them), so a conversation with no
-- customer message (an outbound opener nobody answered) is not averaged, and one transferred from
-- queue A to B counts in A, where it arrived.
-- Parameters: $1, $2 the history window [from, to) on the wall clock (TIMESTAMPs): data after the
--             forecast's start is never read, so a forecast "as of" a past date is reproducible;
--             $3 queue, $4 channel: '' keeps all, otherwise only arrivals in that queue / on that channel.
-- arg_min_null as in 01_arrivals.sql: a first customer message in no queue is not in a later one's.
WITH first_customer AS (
    SELECT conversation_id,
           arg_min(occurred_local, seq) AS arrived_local,
           arg_min_null(queue, seq)     AS queue,
           arg_min_null(channel, seq)   AS channel
    FROM messages
    WHERE sender_role = 'customer'
    GROUP BY conversation_id
)
SELECT avg(c.agent_handle_s) AS aht_s,
       count(*)              AS conversations
FROM first_customer a
JOIN conversations c USING (conversation_id)
WHERE c.agent_handle_s > 0
  AND a.arrived_local >= CAST($1 AS TIMESTAMP)
  AND a.arrived_local <  CAST($2 AS TIMESTAMP)
  AND (CAST($3 AS VARCHAR) = '' OR a.queue = $3)
  AND (CAST($4 AS VARCHAR) = '' OR a.channel = $4);
