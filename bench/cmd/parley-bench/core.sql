-- core.sql — the core subset of Parley's metrics, in SQL that PostgreSQL and
-- DuckDB both run unchanged: the peers' half of `BENCH_PEERS=postgres`
-- (docs/performance.md, "Peers"). It computes a fraction of what
-- `parley build` computes, from a table core_events of the lake's columns
-- it needs (core_load_duckdb.sql or core_load_postgres.sql):
--
-- * events deduplicated by event_id, keeping the copy ingested first
--   (ties: source, partition, offset), as 120_events.sql does;
-- * per conversation: start (the first event), the first customer
--   message, the first human reply after it (a public, non-automated agent
--   message) and the seconds between them, whether it was resolved and
--   escalated, its last CSAT score and its messages;
-- * per UTC day of the start: conversations, resolution and escalation
--   rates, the median first response and the mean CSAT.
--
-- Not computed, unlike the build: episodes and reopens, reply waits after
-- the first, business hours, SLAs, queues, handle time, repeat contacts,
-- friction, bot outcomes, escalation effectiveness, the time zone.
CREATE TABLE core_kept AS
SELECT event_id, conversation_id, type, occurred_at, actor_role, message_private, message_automated, csat_score
FROM (
    SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY ingested_at, source, "partition", "offset") AS copy
    FROM core_events
) ranked
WHERE copy = 1;
-- Statistics for PostgreSQL's planner, which CREATE TABLE AS does not
-- gather: without them it joins core_kept to the facts below in a nested
-- loop (15 CPU-s instead of 1 at 140k events). DuckDB accepts the statement.
ANALYZE core_kept;

CREATE TABLE core_conversations AS
WITH facts AS (
    SELECT
        conversation_id,
        min(occurred_at) AS started_at,
        min(occurred_at) FILTER (WHERE type = 'message' AND actor_role = 'customer') AS first_customer_at,
        bool_or(type = 'resolved') AS resolved,
        bool_or(type = 'escalated') AS escalated,
        count(*) FILTER (WHERE type = 'message') AS messages
    FROM core_kept
    GROUP BY conversation_id
),
csat AS (
    SELECT conversation_id, csat_score
    FROM (
        SELECT conversation_id, csat_score,
               row_number() OVER (PARTITION BY conversation_id ORDER BY occurred_at DESC, event_id DESC) AS latest
        FROM core_kept
        WHERE type = 'csat' AND csat_score IS NOT NULL
    ) scored
    WHERE latest = 1
),
reply AS (
    SELECT k.conversation_id, min(k.occurred_at) AS first_reply_at
    FROM core_kept k
    JOIN facts f ON f.conversation_id = k.conversation_id
    WHERE k.type = 'message' AND k.actor_role = 'agent'
      AND NOT coalesce(k.message_private, false) AND NOT coalesce(k.message_automated, false)
      AND k.occurred_at >= f.first_customer_at
    GROUP BY k.conversation_id
)
SELECT
    f.conversation_id,
    f.started_at,
    CAST(f.started_at AS DATE) AS start_date,
    EXTRACT(EPOCH FROM (r.first_reply_at - f.first_customer_at)) AS first_response_s,
    f.resolved,
    f.escalated,
    c.csat_score AS csat,
    f.messages
FROM facts f
LEFT JOIN reply r ON r.conversation_id = f.conversation_id
LEFT JOIN csat c ON c.conversation_id = f.conversation_id;

CREATE TABLE core_daily AS
SELECT
    start_date,
    count(*) AS conversations,
    avg(CASE WHEN resolved THEN 1.0 ELSE 0.0 END) AS resolution_rate,
    avg(CASE WHEN escalated THEN 1.0 ELSE 0.0 END) AS escalation_rate,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_s) AS median_first_response_s,
    avg(csat) AS mean_csat
FROM core_conversations
GROUP BY start_date;

-- What the driver reads back, to check that both databases computed the
-- same: the days, the conversations, the events kept, and the sums over the
-- days of the median first response (ms) and of the mean CSAT (× 1000).
SELECT
    (SELECT count(*) FROM core_daily),
    (SELECT sum(conversations) FROM core_daily),
    (SELECT count(*) FROM core_kept),
    (SELECT coalesce(CAST(round(sum(median_first_response_s) * 1000) AS BIGINT), 0) FROM core_daily),
    (SELECT coalesce(CAST(round(sum(mean_csat) * 1000) AS BIGINT), 0) FROM core_daily);
