-- 247_auto_qa.sql — table `auto_qa`: the automatic QA checks' verdicts, one row per
-- conversation and check (internal/autoqa, configured by qa.auto); the reference table
-- `auto_qa_checks` (the checks in effect, with the scorecard category each is compared
-- with); and the views `auto_qa_summary` (per agent, week and check) and
-- `auto_qa_agreement` (each mapped check against the human reviewers of qa_ratings).
--
-- The checks are Go, not SQL: metrics/autoqa.go runs them right after this file, reading
-- the conversations in scope (stmt/auto_qa_conversations.sql) and their events
-- (stmt/auto_qa_events.sql) and appending their verdicts; a full build writes every conversation's rows, an incremental
-- one replaces those of build_affected_conversations (every conversation whose
-- `conversations` row it recomputes), or all of them when the checks' digest
-- (auto_qa_state: configuration, code version, dictionaries) changed. Columns: docs/metrics.md.
CREATE TABLE IF NOT EXISTS auto_qa (
    conversation_id VARCHAR NOT NULL,
    "check"         VARCHAR NOT NULL,
    result          VARCHAR NOT NULL,
    evidence_seq    BIGINT,
    detail          VARCHAR
);

-- The digest of the checks auto_qa was computed with.
CREATE TABLE IF NOT EXISTS auto_qa_state (
    digest VARCHAR NOT NULL
);

-- Filled from Go with the checks in effect, in run order.
CREATE OR REPLACE TABLE auto_qa_checks (
    "check"  VARCHAR NOT NULL,
    type     VARCHAR NOT NULL,
    category VARCHAR,
    position INTEGER NOT NULL
);

-- auto_qa_summary: per attributed agent (conversations.most_active_agent_id; NULL when no
-- human replied), ISO week (Monday first) of the conversations' local_date, and check.
CREATE OR REPLACE VIEW auto_qa_summary AS
SELECT
    c.most_active_agent_id AS agent_id,
    CAST(date_trunc('week', c.local_date) AS DATE) AS week,
    strftime(CAST(date_trunc('week', c.local_date) AS DATE), '%G-W%V') AS iso_week,
    a."check",
    count(*) AS conversations,
    count(*) FILTER (WHERE a.result <> 'na') AS checked,
    count(*) FILTER (WHERE a.result = 'fail') AS failed,
    count(*) FILTER (WHERE a.result = 'fail') / nullif(count(*) FILTER (WHERE a.result <> 'na'), 0) AS fail_rate
FROM auto_qa AS a
JOIN conversations AS c USING (conversation_id)
GROUP BY ALL;

-- auto_qa_agreement: one row per check mapped to a scorecard category. The pairs are the
-- final reviews (qa_reviews, calibration reviews included: each review is one human
-- judgement) that rated that category (not N/A) of a conversation the check passed or
-- failed. The human fails the category when the rating is in the lower half of its scale,
-- (rating - scale_min) / (scale_max - scale_min) < 0.5: 1 of 1-3, 1-2 of 1-4 and 1-5, 0 of
-- binary. With tp = both fail, fp = only the check fails, fn = only the human fails,
-- tn = both pass, n = tp + fp + fn + tn:
--   agreement = (tp + tn) / n, precision = tp / (tp + fp), recall = tp / (tp + fn),
--   kappa = (po - pe) / (1 - pe), po = agreement,
--   pe = ((tp + fp)(tp + fn) + (fn + tn)(fp + tn)) / n²  (Cohen, 1960).
-- NULL where a denominator is 0 (no pair, no check fail, no human fail, pe = 1).
CREATE OR REPLACE VIEW auto_qa_agreement AS
WITH pairs AS (
    SELECT
        k."check",
        a.result = 'fail' AS check_fail,
        (q.rating - q.scale_min) / (q.scale_max - q.scale_min) < 0.5 AS human_fail
    FROM auto_qa_checks AS k
    JOIN auto_qa AS a ON a."check" = k."check" AND a.result IN ('pass', 'fail')
    JOIN qa_reviews AS r ON r.conversation_id = a.conversation_id
    JOIN qa_ratings AS q ON q.review_id = r.review_id AND q.category = k.category AND NOT q.na
    WHERE k.category IS NOT NULL
), counts AS (
    SELECT
        "check",
        count(*) FILTER (WHERE check_fail AND human_fail) AS tp,
        count(*) FILTER (WHERE check_fail AND NOT human_fail) AS fp,
        count(*) FILTER (WHERE NOT check_fail AND human_fail) AS fn,
        count(*) FILTER (WHERE NOT check_fail AND NOT human_fail) AS tn
    FROM pairs
    GROUP BY "check"
), stats AS (
    SELECT
        k."check", k.category, k.position,
        coalesce(c.tp, 0) AS tp, coalesce(c.fp, 0) AS fp, coalesce(c.fn, 0) AS fn, coalesce(c.tn, 0) AS tn
    FROM auto_qa_checks AS k
    LEFT JOIN counts AS c USING ("check")
    WHERE k.category IS NOT NULL
), rates AS (
    SELECT *,
        tp + fp + fn + tn AS n,
        CAST(tp + tn AS DOUBLE) / nullif(tp + fp + fn + tn, 0) AS po,
        CAST((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn) AS DOUBLE)
            / nullif(CAST(tp + fp + fn + tn AS DOUBLE) * (tp + fp + fn + tn), 0) AS pe
    FROM stats
)
SELECT
    "check",
    category,
    n,
    tp,
    fp,
    fn,
    tn,
    po AS agreement,
    CAST(tp AS DOUBLE) / nullif(tp + fp, 0) AS "precision",
    CAST(tp AS DOUBLE) / nullif(tp + fn, 0) AS recall,
    (po - pe) / nullif(1 - pe, 0) AS kappa
FROM rates
ORDER BY position;
