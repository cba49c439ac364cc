-- Reads the lake's reviews dataset into qa_review_rows (emptied just before).
-- Parameters: $1 the list of reviews files (lake/reviews/date=*/*.parquet).
-- The date=… folders name the day a file was written, not a column: no hive partitioning.
-- Empty strings are what the lake writes for absent optional values; they become NULL.
INSERT INTO qa_review_rows
SELECT
    kind,
    review_id,
    make_timestamp(epoch_us("at")),
    make_timestamp(epoch_us(recorded_at)),
    nullif(run, ''),
    conversation_id,
    nullif(agent_id, ''),
    nullif(reviewer_id, ''),
    nullif(scorecard, ''),
    nullif(scorecard_version, ''),
    calibration,
    nullif(comment, ''),
    ratings,
    nullif(filed_by, ''),
    nullif(reason, ''),
    nullif(decision, ''),
    source,
    line,
    make_timestamp(epoch_us(conversation_started_at))
-- Files written before conversation_started_at existed lack it: the union by name with an
-- empty relation that has it makes it NULL there, even when no file has it.
FROM (
    SELECT * FROM read_parquet($1::VARCHAR[], hive_partitioning = false, union_by_name = true)
    UNION ALL BY NAME
    SELECT NULL::TIMESTAMP AS conversation_started_at WHERE false
);
