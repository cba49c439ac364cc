-- ingest_gaps.sql — the warning on every dashboard page when Kafka messages were lost before
-- ingest read them. Reads: ingest_gaps. Params: $limit, the most gap records to list.
-- Oldest first; warehouse_info.offset_gaps says how many there are in all.
SELECT
    topic,
    "partition",
    epoch,
    from_offset,
    to_offset,
    messages,
    CAST(detected_at AS TIMESTAMP) AS detected_at
FROM ingest_gaps
ORDER BY detected_at, topic, "partition", epoch, from_offset
LIMIT $limit
