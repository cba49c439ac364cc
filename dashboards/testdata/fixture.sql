-- fixture.sql — a hand-made warehouse with the public views' names and columns (as tables), for
-- the dashboard tests. Ten conversations: eight in the period 2026-10-05..07 (Europe/Berlin) and
-- two in the previous three days. The expected figures in dashboards_test.go are worked out by
-- hand from these rows. Conversation c7 carries hostile text in every field that reaches a page.
CREATE TABLE conversations (
    conversation_id VARCHAR, customer_id VARCHAR, channel VARCHAR, first_queue VARCHAR, last_queue VARCHAR,
    started_at TIMESTAMP, started_local TIMESTAMP, local_date DATE, ended_at TIMESTAMP,
    most_active_agent_id VARCHAR, first_agent_id VARCHAR, last_agent_id VARCHAR,
    customer_messages BIGINT, agent_messages BIGINT, bot_messages BIGINT,
    first_response_s DOUBLE, first_response_any_s DOUBLE, first_response_business_s DOUBLE,
    sla_target_s DOUBLE, sla_met BOOLEAN, handoff_wait_s DOUBLE, median_reply_s DOUBLE,
    resolved BOOLEAN, first_resolution_s DOUBLE, resolution_s DOUBLE, resolution_business_s DOUBLE,
    reopens BIGINT, escalated BOOLEAN, escalations BIGINT, transfers BIGINT,
    bot_handled BOOLEAN, bot_contained BOOLEAN, bot_handed_off BOOLEAN, bot_abandoned BOOLEAN,
    abandoned BOOLEAN, repeat_contact BOOLEAN, fcr BOOLEAN, csat INTEGER, complete BOOLEAN,
    friction_score DOUBLE, friction_time DOUBLE, friction_impersonal DOUBLE, friction_directness DOUBLE, friction_effort DOUBLE
);

INSERT INTO conversations (conversation_id, channel, last_queue, started_local, local_date, most_active_agent_id,
    agent_messages, first_response_s, first_response_any_s, first_response_business_s, sla_target_s, sla_met,
    resolved, resolution_s, reopens, escalated, transfers, bot_handled, bot_contained, bot_handed_off, bot_abandoned,
    abandoned, repeat_contact, fcr, csat, complete, friction_score, friction_time, friction_impersonal, friction_directness, friction_effort)
VALUES
    ('c1', 'chat', 'billing', '2026-10-05 09:10', '2026-10-05', 'ann', 3, 30, 5, 30, 300, true,
     true, 3000, 0, false, 0, false, false, false, false, false, false, true, 5, true, 10, 0.1, 0.0, 0.1, 0.2),
    ('c2', 'chat', 'billing', '2026-10-05 09:40', '2026-10-05', 'ann', 6, 400, 400, 400, 300, false,
     true, 7200, 1, false, 1, false, false, false, false, false, false, false, 2, true, 55, 0.6, 0.2, 0.5, 0.4),
    ('c3', 'email', 'tech', '2026-10-05 14:00', '2026-10-05', 'bob', 2, 5000, 5000, 3000, 14400, true,
     true, 90000, 0, false, 0, false, false, false, false, false, false, true, NULL, true, 30, 0.3, 0.1, 0.2, 0.3),
    ('c4', 'whatsapp', 'tech', '2026-10-06 10:05', '2026-10-06', 'bob', 4, 120, 3, 120, 300, true,
     true, 1800, 0, true, 0, true, false, true, false, false, false, true, 4, true, 25, 0.2, 0.3, 0.2, 0.2),
    ('c5', 'whatsapp', 'general', '2026-10-06 11:00', '2026-10-06', NULL, 0, NULL, 2, NULL, 300, NULL,
     true, 600, 0, false, 0, true, true, false, false, false, false, true, 5, true, 5, 0.0, 0.1, 0.0, 0.0),
    ('c6', 'whatsapp', 'general', '2026-10-06 23:30', '2026-10-06', NULL, 0, NULL, 4, NULL, 300, NULL,
     false, NULL, 0, false, 0, true, false, false, true, true, false, false, NULL, true, 70, 0.5, 0.9, 0.6, 0.7),
    ('c7"><script>window.pwned=3</script>', 'chat', '<img src=x onerror=window.pwned=2>', '2026-10-07 08:15', '2026-10-07',
     '<script>window.pwned=1</script>', 5, 90, 90, 90, 300, true,
     true, 5400, 0, true, 0, false, false, false, false, false, true, false, 1, true, 80, 0.7, 0.4, 0.9, 0.8),
    ('c8', 'email', 'billing', '2026-10-07 16:45', '2026-10-07', 'ann', 1, 20000, 20000, 7000, 14400, false,
     false, NULL, 0, false, 0, false, false, false, false, false, false, false, NULL, false, 45, 0.8, 0.1, 0.3, 0.2),
    ('p1', 'chat', 'billing', '2026-10-03 10:00', '2026-10-03', 'ann', 2, 60, 60, 60, 300, true,
     true, 1200, 0, false, 0, false, false, false, false, false, false, true, 4, true, 20, 0.2, 0.1, 0.1, 0.1),
    ('p2', 'email', 'tech', '2026-10-04 12:00', '2026-10-04', 'bob', 2, 6000, 6000, 6000, 14400, true,
     true, 20000, 0, false, 0, false, false, false, false, false, false, true, 3, true, 35, 0.4, 0.1, 0.2, 0.3);

-- The asynchronous-messaging columns (issue 11). Only whatsapp has a reply window here, as
-- with the default parley.yaml, so window_breaches is NULL elsewhere. For resolved
-- conversations the waits all lie before the resolution, so resolution_waiting_on_* equal them.
ALTER TABLE conversations ADD COLUMN waiting_on_agent_s DOUBLE;
ALTER TABLE conversations ADD COLUMN waiting_on_customer_s DOUBLE;
ALTER TABLE conversations ADD COLUMN agent_handle_s DOUBLE;
ALTER TABLE conversations ADD COLUMN window_breaches BIGINT;
ALTER TABLE conversations ADD COLUMN nudges BIGINT;
ALTER TABLE conversations ADD COLUMN resolution_waiting_on_agent_s DOUBLE;
ALTER TABLE conversations ADD COLUMN resolution_waiting_on_customer_s DOUBLE;
UPDATE conversations SET waiting_on_agent_s = v.a, waiting_on_customer_s = v.c, agent_handle_s = v.h,
    window_breaches = v.b, nudges = v.n,
    resolution_waiting_on_agent_s = CASE WHEN resolved THEN v.a END,
    resolution_waiting_on_customer_s = CASE WHEN resolved THEN v.c END
FROM (VALUES
    ('c1', 600, 2400, 300, NULL, 0),
    ('c2', 1800, 5000, 900, NULL, 1),
    ('c3', 30000, 60000, 600, NULL, 0),
    ('c4', 300, 1500, 600, 0, 0),
    ('c5', 10, 590, 0, 0, 0),
    ('c6', 90000, 0, 0, 1, 0),
    ('c7"><script>window.pwned=3</script>', 2000, 3000, 1200, NULL, 2),
    ('c8', 20000, 1000, 300, NULL, 0),
    ('p1', 60, 1140, 120, NULL, 0),
    ('p2', 6000, 14000, 300, NULL, 0)
) AS v(id, a, c, h, b, n)
WHERE conversation_id = v.id;

-- repeat_window_closed: every conversation here was resolved less than windows.repeat_contact
-- (7 days) before the data's last event (2026-10-07), so none is known for first-contact
-- resolution yet (docs/metrics.md, "Repeat contact near the data's end").
ALTER TABLE conversations ADD COLUMN repeat_window_closed BOOLEAN DEFAULT false;

CREATE TABLE escalations (
    conversation_id VARCHAR, event_id VARCHAR, escalated_at TIMESTAMP, local_date DATE, channel VARCHAR,
    source VARCHAR, from_queue VARCHAR, to_queue VARCHAR, to_role VARCHAR, effective BOOLEAN, handoff_wait_s DOUBLE
);

INSERT INTO escalations VALUES
    ('c4', 'e1', '2026-10-06 08:07', '2026-10-06', 'whatsapp', 'bot', 'general', 'tech', 'agent', true, 120),
    ('c7"><script>window.pwned=3</script>', 'e2', '2026-10-07 06:40', '2026-10-07', 'chat', 'tier', 'tech',
     '<img src=x onerror=window.pwned=2>', 'agent', false, 600),
    ('c2', 'e3', '2026-10-05 07:55', '2026-10-05', 'chat', 'tier', 'billing', NULL, 'supervisor', true, 2000);

CREATE TABLE warehouse_info (
    built_at TIMESTAMP, timezone VARCHAR, events BIGINT, conversations BIGINT, first_event_at TIMESTAMP, last_event_at TIMESTAMP,
    offset_gaps BIGINT, offset_gap_messages BIGINT
);

INSERT INTO warehouse_info VALUES
    ('2026-10-08 04:00', 'Europe/Berlin', 120, 10, '2026-10-03 08:00', '2026-10-07 16:00', 0, 0);

-- No offset gaps: TestGapWarningOnEveryPage adds some.
CREATE TABLE ingest_gaps (
    topic VARCHAR, "partition" INTEGER, epoch INTEGER, from_offset BIGINT, to_offset BIGINT, messages BIGINT, detected_at TIMESTAMP
);

-- QA reviews (issue 18), scorecard: solution 1-5 weight 2, tone 1-3 weight 1, process binary
-- weight 1 and critical. Scores worked out by hand: q1 (2·1 + 1 + 1)/4 = 100; q2
-- (2·0.5 + 0.5 + 1)/4 = 62.5, rescored after an accepted dispute; q3 process failed: 0, dispute
-- open; q4 tone N/A: (2·0.75 + 1)/3 = 83.333…, dispute rejected; q5 (0 + 0.5 + 1)/4 = 37.5, the
-- hostile agent, reviewer and comment; q6 (2·0.75 + 1 + 1)/4 = 87.5; q7 of p1, before the period.
-- Calibration run cal-1: c4 and c1 scored by rev-a, rev-b, rev-c.
CREATE TABLE qa_reviews (
    review_id VARCHAR, conversation_id VARCHAR, reviewer_id VARCHAR, agent_id VARCHAR, scorecard VARCHAR,
    scorecard_version VARCHAR, score DOUBLE, critical_failed BOOLEAN, status VARCHAR, reviewed_at TIMESTAMP,
    local_date DATE, run VARCHAR, calibration BOOLEAN, comment VARCHAR, conversation_found BOOLEAN
);
INSERT INTO qa_reviews VALUES
    ('q1', 'c1', 'rev-a', 'ann', 'default', 'v1', 100, false, 'submitted', '2026-10-08 09:00', '2026-10-05', 'r1', false, NULL, true),
    ('q2', 'c2', 'rev-b', 'ann', 'default', 'v1', 62.5, false, 'dispute_accepted', '2026-10-09 09:00', '2026-10-05', 'r1', false, NULL, true),
    ('q3', 'c3', 'rev-a', 'bob', 'default', 'v1', 0, true, 'disputed', '2026-10-08 10:00', '2026-10-05', 'r1', false, NULL, true),
    ('q4', 'c4', 'rev-b', 'bob', 'default', 'v1', 250.0 / 3, false, 'dispute_rejected', '2026-10-08 11:00', '2026-10-06', 'r1', false, NULL, true),
    ('q5', 'c7"><script>window.pwned=3</script>', '<img src=x onerror=window.pwned=4>', '<script>window.pwned=1</script>', 'default', 'v1',
     37.5, false, 'submitted', '2026-10-08 12:00', '2026-10-07', 'r1', false, '<script>window.pwned=5</script>', true),
    ('q6', 'c8', 'rev-a', 'ann', 'default', 'v1', 87.5, false, 'submitted', '2026-10-08 13:00', '2026-10-07', 'r1', false, NULL, true),
    ('q7', 'p1', 'rev-a', 'ann', 'default', 'v1', 100, false, 'submitted', '2026-10-04 13:00', '2026-10-03', 'r0', false, NULL, true),
    ('k1', 'c4', 'rev-a', 'bob', 'default', 'v1', 75, false, 'submitted', '2026-10-08 14:00', '2026-10-06', 'cal-1', true, NULL, true),
    ('k2', 'c4', 'rev-b', 'bob', 'default', 'v1', 87.5, false, 'submitted', '2026-10-08 14:00', '2026-10-06', 'cal-1', true, NULL, true),
    ('k3', 'c4', 'rev-c', 'bob', 'default', 'v1', 0, true, 'submitted', '2026-10-08 14:00', '2026-10-06', 'cal-1', true, NULL, true),
    ('k4', 'c1', 'rev-a', 'ann', 'default', 'v1', 100, false, 'submitted', '2026-10-08 14:00', '2026-10-05', 'cal-1', true, NULL, true),
    ('k5', 'c1', 'rev-b', 'ann', 'default', 'v1', 100, false, 'submitted', '2026-10-08 14:00', '2026-10-05', 'cal-1', true, NULL, true),
    ('k6', 'c1', 'rev-c', 'ann', 'default', 'v1', 100, false, 'submitted', '2026-10-08 14:00', '2026-10-05', 'cal-1', true, NULL, true);

CREATE TABLE qa_ratings (
    review_id VARCHAR, category VARCHAR, rating INTEGER, scale_min INTEGER, scale_max INTEGER, na BOOLEAN,
    weight DOUBLE, critical BOOLEAN, comment VARCHAR
);
INSERT INTO qa_ratings
SELECT id, category, rating, lo, hi, rating IS NULL, w, category = 'process', NULL
FROM (VALUES
    ('q1', 5, 3, 1), ('q2', 3, 2, 1), ('q3', 2, 1, 0), ('q4', 4, NULL, 1), ('q5', 1, 2, 1), ('q6', 4, 3, 1), ('q7', 5, 3, 1),
    ('k1', 4, 2, 1), ('k2', 4, 3, 1), ('k3', 2, 3, 0), ('k4', 5, 3, 1), ('k5', 5, 3, 1), ('k6', 5, 3, 1)
) AS r(id, solution, tone, process),
LATERAL (VALUES ('solution', solution, 1, 5, 2.0), ('tone', tone, 1, 3, 1.0), ('process', process, 0, 1, 1.0)) AS c(category, rating, lo, hi, w);

-- Dimensions, cost and customers (issue 26). Contact reasons: billing c1 c2 p1, technical c3 p2,
-- delivery c4 c5, refund c6, a hostile one c7, other c8. Markets: DE c1 c2 c6 p1, GB c3 c4 c8 p2,
-- none c5, a hostile one c7. Costs as listed (c3 has none). Customers: u1 wrote c1 (ends
-- 10-05 09:10 UTC + 3000 s) and came back with c3 (10-05 14:00 local); u3 wrote c4 then c5; u2
-- wrote c2 and c8. started_at is the local time less the two hours of Berlin summer time;
-- ended_at is started_at + resolution_s, or + 1 h when unresolved.
ALTER TABLE conversations ADD COLUMN contact_reason VARCHAR;
ALTER TABLE conversations ADD COLUMN market VARCHAR;
ALTER TABLE conversations ADD COLUMN tier VARCHAR;
ALTER TABLE conversations ADD COLUMN dimensions MAP(VARCHAR, VARCHAR);
ALTER TABLE conversations ADD COLUMN cost DOUBLE;
UPDATE conversations SET contact_reason = v.r, market = v.m, cost = v.k, customer_id = v.u,
    started_at = started_local - INTERVAL 2 HOUR,
    ended_at = started_local - INTERVAL 2 HOUR + to_seconds(coalesce(resolution_s, 3600)::BIGINT),
    dimensions = MAP {}
FROM (VALUES
    ('c1', 'billing', 'DE', 1.5, 'u1'),
    ('c2', 'billing', 'DE', 3.25, 'u2'),
    ('c3', 'technical', 'GB', NULL, 'u1'),
    ('c4', 'delivery', 'GB', 2.0, 'u3'),
    ('c5', 'delivery', NULL, 0.4, 'u3'),
    ('c6', 'refund', 'DE', 0.4, 'u4'),
    ('c7"><script>window.pwned=3</script>', '<b onmouseover=window.pwned=7>reason</b>', '"><script>window.pwned=6</script>', 4.1, 'u5'),
    ('c8', 'other', 'GB', 1.25, 'u2'),
    ('p1', 'billing', 'DE', 1.0, 'u1'),
    ('p2', 'technical', 'GB', 2.0, 'u6')
) AS v(id, r, m, k, u)
WHERE conversation_id = v.id;

-- The events the capabilities and the default period read: every kind the pages need is
-- there (resolved, reopened, csat, escalated, a bot), and the last event not after the build
-- (warehouse_info.built_at 2026-10-08 04:00) is on 10-07; one event dated 2199 is ignored.
CREATE TABLE events (
    conversation_id VARCHAR, type VARCHAR, occurred_at TIMESTAMP, occurred_local TIMESTAMP, actor_role VARCHAR, to_role VARCHAR
);
INSERT INTO events VALUES
    ('c1', 'resolved', '2026-10-05 08:00', '2026-10-05 10:00', 'agent', NULL),
    ('c2', 'reopened', '2026-10-05 09:00', '2026-10-05 11:00', 'system', NULL),
    ('c2', 'csat', '2026-10-05 09:30', '2026-10-05 11:30', 'customer', NULL),
    ('c4', 'escalated', '2026-10-06 08:07', '2026-10-06 10:07', 'bot', 'agent'),
    ('c8', 'message', '2026-10-07 16:00', '2026-10-07 18:00', 'customer', NULL),
    ('c8', 'message', '2199-01-01 00:00', '2199-01-01 01:00', 'customer', NULL);

-- Customers' first messages, for emerging terms.
CREATE TABLE messages (conversation_id VARCHAR, seq BIGINT, sender_role VARCHAR, text VARCHAR, burst INTEGER);
INSERT INTO messages VALUES
    ('c1', 1, 'customer', 'My invoice is wrong', 0),
    ('c1', 2, 'agent', 'Let me check the invoice', 0),
    ('c1', 3, 'customer', 'thanks, invoice fixed', 1),
    ('c4', 1, 'customer', 'Where is my parcel?', 0);

-- The live queue (view queue_now in a real warehouse), as of the newest event 2026-10-07 16:00 UTC.
-- Hand-made rows: billing/chat is past its SLA, the hostile queue (c7's) is past its reply window.
CREATE TABLE queue_now (
    as_of TIMESTAMP, queue VARCHAR, channel VARCHAR, open BIGINT, waiting_on_business BIGINT, waiting_on_customer BIGINT,
    oldest_wait_s DOUBLE, oldest_wait_conversation_id VARCHAR, sla_breached BIGINT, sla_at_risk BIGINT,
    window_at_risk BIGINT, window_breached BIGINT, agents_active BIGINT
);

INSERT INTO queue_now VALUES
    ('2026-10-07 16:00', 'billing', 'chat', 3, 2, 1, 1500, 'c8', 1, 1, NULL, NULL, 2),
    ('2026-10-07 16:00', 'tech', 'email', 1, 0, 1, NULL, NULL, 0, 0, NULL, NULL, 1),
    ('2026-10-07 16:00', '<img src=x onerror=window.pwned=5>', 'whatsapp', 2, 1, 0, 90000, 'c7"><script>window.pwned=6</script>', 1, 0, 0, 1, 0),
    ('2026-10-07 16:00', NULL, 'sms', 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 1);
