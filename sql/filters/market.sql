-- market.sql — the markets conversations have (market), for the --market filter of parley report and parley qa sample: a
-- value none has is refused with these (internal/warehouse.CheckFilters).
-- Reads: conversations. Params: none. NULL stands for conversations without one; the most frequent first.
SELECT market AS value, count(*) AS conversations
FROM conversations
GROUP BY ALL
ORDER BY conversations DESC, value NULLS LAST
