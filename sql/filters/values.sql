-- values.sql — the values conversations have in each dimension parley report and parley qa sample
-- filter by (--queue, --channel, --market, --reason), so a value no conversation has is refused
-- with the ones that exist instead of drawing an empty report or packet.
-- Reads: conversations. Params: none.
-- dimension is queue (last_queue, as kpi_daily buckets queues), channel, market or reason
-- (contact_reason); value is NULL for conversations without one; the most frequent come first.
SELECT dimension, value, count(*) AS conversations
FROM (
    SELECT 'queue' AS dimension, last_queue AS value FROM conversations
    UNION ALL SELECT 'channel', channel FROM conversations
    UNION ALL SELECT 'market', market FROM conversations
    UNION ALL SELECT 'reason', contact_reason FROM conversations
)
GROUP BY ALL
ORDER BY dimension, conversations DESC, value NULLS LAST
