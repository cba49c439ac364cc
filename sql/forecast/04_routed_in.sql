-- Routed-in arrivals for `parley forecast --db --routed-in`, added to 01_arrivals.sql's: a
-- conversation that a routing event (assigned, escalated, transferred: is_routing) moves into
-- another queue after it arrived also arrives in that queue, at that event's wall-clock time in
-- the org time zone (occurred_local). "Moves into another queue": the event's to.queue differs
-- from the conversation's current queue just before it (the running state of the earlier events,
-- docs/metrics.md "Current queue": the last queue event_queue named). "After it arrived": after
-- its first customer message (higher seq), so a conversation routed before the customer writes
-- arrives once, in the queue of that message, as 01_arrivals.sql counts it. A conversation
-- moved back into a queue it left enters it again. The channel is the conversation's.
-- Parameters as 01_arrivals.sql's: $1 interval length in seconds; $2 queue ('' keeps all,
-- otherwise only entries into that queue), $3 channel ('' keeps all).
WITH arrived AS (
    SELECT conversation_id, min(seq) AS seq
    FROM messages
    WHERE sender_role = 'customer'
    GROUP BY conversation_id
),
routing AS (
    SELECT conversation_id, seq, type, to_queue, occurred_local,
           last_value(event_queue(type, to_queue, queue) IGNORE NULLS) OVER (
               PARTITION BY conversation_id ORDER BY seq
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS queue_before
    FROM events
),
entries AS (
    SELECT r.occurred_local, r.to_queue AS queue, c.channel
    FROM routing r
    JOIN arrived a USING (conversation_id)
    JOIN conversations c USING (conversation_id)
    WHERE is_routing(r.type)
      AND r.to_queue IS NOT NULL
      AND r.seq > a.seq
      AND r.to_queue IS DISTINCT FROM r.queue_before
)
SELECT time_bucket(to_seconds(CAST($1 AS BIGINT)), occurred_local) AS interval_start,
       queue,
       coalesce(channel, '') AS channel,
       count(*) AS arrivals
FROM entries
WHERE (CAST($2 AS VARCHAR) = '' OR queue = $2)
  AND (CAST($3 AS VARCHAR) = '' OR channel = $3)
GROUP BY ALL
ORDER BY interval_start, queue, channel;
