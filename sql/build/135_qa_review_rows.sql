-- 135_qa_review_rows.sql — table `qa_review_rows`, if missing: the lake's QA reviews dataset
-- (lake/reviews/date=*/*.parquet, one file per parley qa import, qa dispute or qa resolve; its
-- rows are internal/lake.ReviewRow, see docs/qa.md) as this build read it.
--
-- Every build, full or incremental, empties it (stmt/clear_qa_review_rows.sql) and reads every
-- reviews file again (stmt/load_qa_review_rows.sql), as it does the gap records: reviews are few,
-- and an import, a dispute or an erase must show even when no events file is new. An incremental
-- build compares stmt/qa_review_rows_digest.sql before and after to tell. 245_qa_reviews.sql
-- turns it into the public qa_reviews and qa_ratings. Times are TIMESTAMP values holding UTC.
CREATE TABLE IF NOT EXISTS qa_review_rows (
    kind              VARCHAR   NOT NULL,
    review_id         VARCHAR   NOT NULL,
    "at"              TIMESTAMP NOT NULL,
    recorded_at       TIMESTAMP NOT NULL,
    run               VARCHAR,
    conversation_id   VARCHAR   NOT NULL,
    agent_id          VARCHAR,
    reviewer_id       VARCHAR,
    scorecard         VARCHAR,
    scorecard_version VARCHAR,
    calibration       BOOLEAN   NOT NULL,
    comment           VARCHAR,
    ratings           STRUCT(
                          category VARCHAR, rating INTEGER, na BOOLEAN, comment VARCHAR,
                          scale_min INTEGER, scale_max INTEGER, weight DOUBLE,
                          critical BOOLEAN, allow_na BOOLEAN
                      )[],
    filed_by          VARCHAR,
    reason            VARCHAR,
    decision          VARCHAR,
    source            VARCHAR   NOT NULL,
    line              BIGINT    NOT NULL,
    -- set by parley erase --conversations: when the erased conversation started
    conversation_started_at TIMESTAMP
);
