-- routed_queue.sql — the queues conversations are ever in (any queue an event names as the current one,
-- event_queue: a routing event's to.queue, else the event's own queue), for the --queue filter of
-- parley forecast --routed-in, whose arrivals count in every queue a conversation arrives in or is
-- routed into (sql/forecast/01_arrivals.sql and 04_routed_in.sql): a value none has is refused with these
-- (internal/warehouse.CheckFilters). A queue listed here may still have no arrival (named only before the
-- customer wrote): the forecast then says so.
-- Reads: events. Params: none. The most frequent first.
SELECT event_queue(type, to_queue, queue) AS value, count(DISTINCT conversation_id) AS conversations
FROM events
WHERE event_queue(type, to_queue, queue) IS NOT NULL
GROUP BY ALL
ORDER BY conversations DESC, value
