-- A fixture warehouse for the qa tests: the public views' columns as in
-- docs/metrics.md, as plain tables that the tests fill with hand-made rows.
CREATE TABLE warehouse_info (
    built_at TIMESTAMP, timezone VARCHAR, events BIGINT, conversations BIGINT,
    first_event_at TIMESTAMP, last_event_at TIMESTAMP
);
CREATE TABLE conversations (
    conversation_id VARCHAR, customer_id VARCHAR, channel VARCHAR,
    first_queue VARCHAR, last_queue VARCHAR,
    started_at TIMESTAMP, started_local TIMESTAMP, local_date DATE, ended_at TIMESTAMP,
    most_active_agent_id VARCHAR, first_agent_id VARCHAR, last_agent_id VARCHAR,
    customer_messages BIGINT, agent_messages BIGINT, bot_messages BIGINT,
    first_response_s DOUBLE, first_response_any_s DOUBLE, first_response_business_s DOUBLE,
    sla_target_s DOUBLE, sla_met BOOLEAN, handoff_wait_s DOUBLE, median_reply_s DOUBLE,
    resolved BOOLEAN, first_resolution_s DOUBLE, resolution_s DOUBLE, resolution_business_s DOUBLE,
    reopens BIGINT, escalated BOOLEAN, escalations BIGINT, transfers BIGINT,
    bot_handled BOOLEAN, bot_contained BOOLEAN, bot_handed_off BOOLEAN, bot_abandoned BOOLEAN,
    abandoned BOOLEAN, repeat_contact BOOLEAN, fcr BOOLEAN, csat INTEGER, complete BOOLEAN,
    friction_score DOUBLE, friction_time DOUBLE, friction_impersonal DOUBLE,
    friction_directness DOUBLE, friction_effort DOUBLE,
    contact_reason VARCHAR, market VARCHAR
);
CREATE TABLE events (
    event_id VARCHAR, conversation_id VARCHAR, type VARCHAR, occurred_at TIMESTAMP,
    occurred_offset_s INTEGER, channel VARCHAR, actor_role VARCHAR, actor_id VARCHAR,
    queue VARCHAR, message_text VARCHAR, message_private BOOLEAN, message_automated BOOLEAN,
    to_role VARCHAR, to_id VARCHAR, to_queue VARCHAR, csat_score INTEGER,
    attributes MAP(VARCHAR, VARCHAR), extra VARCHAR, source VARCHAR, "partition" INTEGER,
    "offset" BIGINT, ingested_at TIMESTAMP, seq BIGINT, episode INTEGER, occurred_local TIMESTAMP
);
-- The automatic checks' verdicts (docs/metrics.md, auto_qa).
CREATE TABLE auto_qa (
    conversation_id VARCHAR NOT NULL, "check" VARCHAR NOT NULL, result VARCHAR NOT NULL,
    evidence_seq BIGINT, detail VARCHAR
);
