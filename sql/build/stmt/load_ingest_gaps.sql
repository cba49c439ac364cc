-- Reads the lake's gap records into ingest_gaps (emptied just before).
-- Parameters: $1 the list of gap record files (lake/_gaps/*/*.json).
-- detected_at is stored in UTC, like every instant of the lake.
INSERT INTO ingest_gaps
SELECT
    topic,
    "partition",
    coalesce(epoch, 0),
    "from",
    "to",
    "to" - "from" + 1,
    timezone('UTC', detected_at)
FROM read_json($1::VARCHAR[], format = 'newline_delimited', columns = {
    topic: 'VARCHAR', "partition": 'INTEGER', "from": 'BIGINT', "to": 'BIGINT',
    detected_at: 'TIMESTAMPTZ', epoch: 'INTEGER'
});
