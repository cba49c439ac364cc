-- Arrivals per interval, queue and channel for `parley forecast --db`, read from the
-- warehouse's `messages` view. A conversation arrives at its first customer message (lowest
-- seq), counted at that message's wall-clock time in the org time zone (occurred_local), so
-- intervals and days follow the organisation's clock, DST included; it belongs to the queue
-- and channel of that message ('' when the message has none), which `--by queue|channel`
-- groups by.
-- Parameters: $1 interval length in seconds (divides 24 h, so buckets start at midnight);
--             $2 queue, $3 channel: '' keeps all, otherwise only arrivals whose first
--             customer message was in that queue / on that channel.
-- arg_min_null, not arg_min: arg_min skips NULL values, so a first customer message in no queue
-- took the queue of a later one.
WITH first_customer AS (
    SELECT conversation_id,
           arg_min(occurred_local, seq) AS arrived_local,
           arg_min_null(queue, seq)     AS queue,
           arg_min_null(channel, seq)   AS channel
    FROM messages
    WHERE sender_role = 'customer'
    GROUP BY conversation_id
)
SELECT time_bucket(to_seconds(CAST($1 AS BIGINT)), arrived_local) AS interval_start,
       coalesce(queue, '')   AS queue,
       coalesce(channel, '') AS channel,
       count(*) AS arrivals
FROM first_customer
WHERE (CAST($2 AS VARCHAR) = '' OR queue = $2)
  AND (CAST($3 AS VARCHAR) = '' OR channel = $3)
GROUP BY ALL
ORDER BY interval_start, queue, channel;
