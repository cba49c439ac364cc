-- The slice of the warehouse contract (docs/metrics.md) that `parley forecast --db` reads,
-- for tests that fill it by hand with known arrivals and message timing.
CREATE TABLE warehouse_info (built_at TIMESTAMP, timezone VARCHAR, events BIGINT, conversations BIGINT,
                             first_event_at TIMESTAMP, last_event_at TIMESTAMP);
CREATE TABLE messages (conversation_id VARCHAR, event_id VARCHAR, seq INTEGER, episode INTEGER,
                       occurred_at TIMESTAMP, occurred_local TIMESTAMP, sender_role VARCHAR, sender_id VARCHAR,
                       text VARCHAR, private BOOLEAN, automated BOOLEAN, queue VARCHAR, channel VARCHAR,
                       reply_wait_s DOUBLE);
CREATE TABLE conversations (conversation_id VARCHAR, customer_id VARCHAR, channel VARCHAR, first_queue VARCHAR,
                            last_queue VARCHAR, started_at TIMESTAMP, started_local TIMESTAMP, local_date DATE);
CREATE TABLE events (conversation_id VARCHAR, event_id VARCHAR, seq INTEGER, type VARCHAR, occurred_at TIMESTAMP,
                     occurred_local TIMESTAMP, actor_role VARCHAR, queue VARCHAR, to_queue VARCHAR, channel VARCHAR);
