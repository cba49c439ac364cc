-- bench.sql — scales the fixture warehouse (run fixture.sql first) to the demo's size: 56,000
-- more conversations over 28 days (2,000 a day) and about 8,000 escalations, with values spread
-- deterministically by hash(i), for BenchmarkRender.
-- h is a deterministic pseudo-random BIGINT per row and column.
CREATE TEMP MACRO h(i, n) AS (hash(i, n) % 1000000007)::BIGINT;

INSERT INTO conversations (conversation_id, channel, last_queue, started_local, local_date, most_active_agent_id,
    agent_messages, first_response_s, first_response_any_s, first_response_business_s, sla_target_s, sla_met,
    resolved, resolution_s, reopens, escalated, transfers, bot_handled, bot_contained, bot_handed_off, bot_abandoned,
    abandoned, repeat_contact, fcr, csat, complete, friction_score, friction_time, friction_impersonal, friction_directness, friction_effort)
SELECT
    'b' || i,
    ['chat', 'email', 'whatsapp', 'messenger'][1 + h(i, 1) % 4],
    ['billing', 'tech', 'general', 'returns', 'vip', 'fraud'][1 + h(i, 2) % 6],
    TIMESTAMP '2026-03-09' + INTERVAL (i * 43) SECOND,
    CAST(TIMESTAMP '2026-03-09' + INTERVAL (i * 43) SECOND AS DATE),
    CASE WHEN h(i, 3) % 10 < 8 THEN 'agent' || (h(i, 4) % 60) END,
    h(i, 5) % 12,
    CASE WHEN h(i, 3) % 10 < 8 THEN (h(i, 6) % 7200)::DOUBLE END,
    (h(i, 7) % 600)::DOUBLE,
    CASE WHEN h(i, 3) % 10 < 8 THEN (h(i, 6) % 3600)::DOUBLE END,
    300,
    CASE WHEN h(i, 3) % 10 < 8 THEN h(i, 6) % 7200 < 300 END,
    h(i, 8) % 10 < 8,
    CASE WHEN h(i, 8) % 10 < 8 THEN (h(i, 9) % 400000)::DOUBLE END,
    CASE WHEN h(i, 10) % 20 = 0 THEN 1 ELSE 0 END,
    h(i, 11) % 7 = 0,
    h(i, 12) % 9 = 0,
    h(i, 3) % 10 >= 5,
    h(i, 3) % 10 >= 8 AND h(i, 8) % 10 < 8,
    h(i, 3) % 10 BETWEEN 5 AND 7,
    h(i, 3) % 10 >= 8 AND h(i, 8) % 10 >= 8,
    h(i, 3) % 10 >= 8 AND h(i, 8) % 10 >= 8,
    h(i, 13) % 25 = 0,
    h(i, 8) % 10 < 8 AND h(i, 10) % 20 <> 0 AND h(i, 13) % 25 <> 0,
    CASE WHEN h(i, 14) % 3 = 0 THEN 1 + h(i, 15) % 5 END,
    true,
    (h(i, 16) % 1000) / 10.0,
    (h(i, 17) % 100) / 100.0, (h(i, 18) % 100) / 100.0, (h(i, 19) % 100) / 100.0, (h(i, 20) % 100) / 100.0
FROM range(56000) AS t(i);

INSERT INTO escalations
SELECT conversation_id, 'be' || conversation_id, started_local, local_date, channel,
    CASE WHEN bot_handled THEN 'bot' ELSE 'tier' END, last_queue, 'tier2', 'agent',
    resolved AND reopens = 0, first_response_s
FROM conversations
WHERE escalated AND conversation_id LIKE 'b%';

-- Dimensions, cost and customers: 12 contact reasons, 7 markets, a cost each, 20,000 customers.
UPDATE conversations SET
    contact_reason = 'reason' || (h(CAST(substr(conversation_id, 2) AS BIGINT), 21) % 12),
    market = ['GB', 'US', 'DE', 'FR', 'ES', 'NL', 'IE'][1 + h(CAST(substr(conversation_id, 2) AS BIGINT), 22) % 7],
    cost = (h(CAST(substr(conversation_id, 2) AS BIGINT), 23) % 1000) / 100.0,
    customer_id = 'u' || (h(CAST(substr(conversation_id, 2) AS BIGINT), 24) % 20000),
    started_at = started_local, ended_at = started_local + INTERVAL 1 HOUR, dimensions = MAP {}
WHERE conversation_id LIKE 'b%';
