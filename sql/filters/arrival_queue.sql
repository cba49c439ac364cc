-- arrival_queue.sql — the queues conversations arrive in (the queue of their first customer message, as
-- sql/forecast/01_arrivals.sql counts them), for the --queue filter of parley forecast: a value none has is
-- refused with these (internal/warehouse.CheckFilters).
-- Reads: messages. Params: none. NULL stands for conversations without one; the most frequent first.
WITH first_customer AS (
    SELECT conversation_id, arg_min_null(queue, seq) AS queue
    FROM messages
    WHERE sender_role = 'customer'
    GROUP BY conversation_id
)
SELECT queue AS value, count(*) AS conversations
FROM first_customer
GROUP BY ALL
ORDER BY conversations DESC, value NULLS LAST
