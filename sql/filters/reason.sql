-- reason.sql — the reasons conversations have (contact_reason), for the --reason filter of parley report and parley qa sample: a
-- value none has is refused with these (internal/warehouse.CheckFilters).
-- Reads: conversations. Params: none. NULL stands for conversations without one; the most frequent first.
SELECT contact_reason AS value, count(*) AS conversations
FROM conversations
GROUP BY ALL
ORDER BY conversations DESC, value NULLS LAST
