-- Fills the fixture schema with a large synthetic warehouse for BenchmarkSample:
-- getvariable('bench_conversations') conversations over 28 days, 40 agents, 8 events each. Values are spread
-- with modular arithmetic so every stratum has members; they mean nothing else.
-- Rows are sorted by conversation as `parley build` writes them.
INSERT INTO conversations BY NAME
SELECT
    printf('conv-%08d', i)                                  AS conversation_id,
    printf('cust-%07d', i % 900000)                         AS customer_id,
    ['webchat', 'email', 'sms', 'whatsapp'][i % 4 + 1]      AS channel,
    ['billing', 'tech', 'orders'][i % 3 + 1]                AS first_queue,
    ['billing', 'tech', 'orders'][i % 3 + 1]                AS last_queue,
    TIMESTAMP '2026-03-01 00:00:00' + to_seconds(i * 2419200 // getvariable('bench_conversations')) AS started_at,
    TIMESTAMP '2026-03-01 00:00:00' + to_seconds(i * 2419200 // getvariable('bench_conversations')) AS started_local,
    CAST(TIMESTAMP '2026-03-01 00:00:00' + to_seconds(i * 2419200 // getvariable('bench_conversations')) AS DATE) AS local_date,
    CASE WHEN i % 10 = 3 THEN NULL ELSE printf('agent-%02d', i % 40) END AS most_active_agent_id,
    CASE WHEN i % 10 = 3 THEN NULL ELSE printf('agent-%02d', i % 40) END AS first_agent_id,
    CASE WHEN i % 10 = 3 THEN NULL ELSE printf('agent-%02d', (i + 1) % 40) END AS last_agent_id,
    3 + i % 7 AS customer_messages, 2 + i % 5 AS agent_messages, i % 3 AS bot_messages,
    CAST(30 + i % 900 AS DOUBLE) AS first_response_s,
    CAST(30 + i % 900 AS DOUBLE) AS first_response_business_s,
    300.0 AS sla_target_s, i % 900 < 270 AS sla_met,
    i % 17 <> 0 AS resolved, CAST(600 + i % 86400 AS DOUBLE) AS resolution_s,
    CAST(i % 23 = 0 AS BIGINT) AS reopens, i % 11 = 0 AS escalated,
    CAST(i % 11 = 0 AS BIGINT) AS escalations, CAST(i % 13 = 0 AS BIGINT) AS transfers,
    i % 17 = 0 AND i % 2 = 0 AS abandoned,
    CASE WHEN i % 4 = 0 THEN 1 + i % 5 END AS csat,
    i % 19 <> 0 AS complete,
    CAST((i * 7919) % 10000 AS DOUBLE) / 100 AS friction_score,
    0.5 AS friction_time, 0.1 AS friction_impersonal, 0.2 AS friction_directness, 0.3 AS friction_effort
FROM range(getvariable('bench_conversations')) t(i)
ORDER BY conversation_id;

INSERT INTO events BY NAME
SELECT
    printf('conv-%08d-%d', i, k) AS event_id,
    printf('conv-%08d', i) AS conversation_id,
    CASE WHEN k = 0 THEN 'conversation_started' WHEN k = 7 THEN 'resolved' ELSE 'message' END AS type,
    TIMESTAMP '2026-03-01 00:00:00' + to_seconds(i * 2419200 // getvariable('bench_conversations') + k * 60) AS occurred_at,
    TIMESTAMP '2026-03-01 00:00:00' + to_seconds(i * 2419200 // getvariable('bench_conversations') + k * 60) AS occurred_local,
    CASE WHEN k % 2 = 1 THEN 'customer' ELSE 'agent' END AS actor_role,
    CASE WHEN k % 2 = 1 THEN printf('cust-%07d', i % 900000) ELSE printf('agent-%02d', i % 40) END AS actor_id,
    CASE WHEN k BETWEEN 1 AND 6 THEN printf('message %d of conversation %d, call me on +44 20 7946 0958', k, i) END AS message_text,
    false AS message_private, false AS message_automated,
    k + 1 AS seq, 1 AS episode
FROM range(getvariable('bench_conversations')) t(i), range(8) s(k)
ORDER BY conversation_id, seq;

INSERT INTO warehouse_info
SELECT TIMESTAMP '2026-03-29 06:00:00', 'Europe/London', getvariable('bench_conversations') * 8, getvariable('bench_conversations'),
       TIMESTAMP '2026-03-01 00:00:00', max(occurred_at)
FROM events;
