-- Average handle time for `parley forecast --aht auto`: the mean of conversations.agent_handle_s
-- (agent working time per conversation) over every conversation the forecast's history counts as
-- an arrival, one without agent work (contained by a bot, abandoned) counting 0. The staffing
-- volume is those same arrivals, so arrivals × this mean is the agent work the history had; a mean
-- over the conversations with agent work only charged it to every arrival. A conversation arrives
-- at its first customer message, in its queue and on its channel (as sql/forecast/01_arrivals.sql
-- counts them), so a conversation with no customer message (an outbound opener nobody answered)
-- is not averaged, and one transferred from queue A to B counts in A, where it arrived.
-- with_agent_work counts the arrivals with any handle time (for the progress line).
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
SELECT avg(coalesce(c.agent_handle_s, 0))  AS aht_s,
       count(*)                              AS conversations,
       count(*) FILTER (c.agent_handle_s > 0) AS with_agent_work
FROM first_customer a
JOIN conversations c USING (conversation_id)
WHERE a.arrived_local >= CAST($1 AS TIMESTAMP)
  AND a.arrived_local <  CAST($2 AS TIMESTAMP)
  AND (CAST($3 AS VARCHAR) = '' OR a.queue = $3)
  AND (CAST($4 AS VARCHAR) = '' OR a.channel = $4);
