-- 235_conversation_openings.sql — temp tables conversation_openings_delta and
-- contact_reason_matches: the customer's first messages of each conversation in scope that
-- has no reason attribute, for the contact-reason rules (docs/metrics.md, "Contact reasons").
--
-- From scope_conv_events (attributes, texts), scope_conv_messages (bursts) and
-- dimension_attributes and contact_reason_rules (202). The customer's first messages are the
-- customer messages of the first burst that holds one (bursts as in 210_messages.sql:
-- everything the customer wrote until the first human reply or status event after their
-- first message), joined by a line feed in seq order; a message without text counts as
-- empty. Only conversations without a value of the contact_reason dimension's attribute
-- (first_dimension_values) need them, and only when there are rules. The bursts are
-- messages.burst (210 defines them once); the texts are read from the events by
-- (conversation_id, seq), because an incremental build's scope_conv_messages holds no texts
-- (stmt/scope_affected_messages.sql). This is a lookup of a few rows, not a running count.
--
-- After this file the build matches each rule of contact_reason_rules against
-- opening_text, one statement per rule (stmt/match_contact_reason.sql), and records
-- the matches in contact_reason_matches; 236 keeps each conversation's first.
CREATE OR REPLACE TEMP TABLE first_dimension_values AS
WITH attrs AS (
    SELECT conversation_id, seq, unnest(map_entries(attributes)) AS kv
    FROM scope_conv_events
    WHERE cardinality(attributes) > 0
)
-- The attribute's value on the first event that has it (non-empty, so never NULL here).
SELECT a.conversation_id, d.name, any_value(d.transform) AS transform, arg_min(a.kv.value, a.seq) AS raw
FROM attrs a
JOIN dimension_attributes d ON d.attribute = a.kv.key
WHERE a.kv.value <> ''
GROUP BY a.conversation_id, d.name;

CREATE OR REPLACE TEMP TABLE conversation_openings_delta AS
WITH unlabelled AS (
    SELECT DISTINCT conversation_id FROM scope_conv_events
    WHERE (SELECT count(*) FROM contact_reason_rules) > 0
    EXCEPT
    SELECT conversation_id FROM first_dimension_values WHERE name = 'contact_reason'
),
first_burst AS (
    SELECT conversation_id, seq
    FROM (
        SELECT conversation_id, seq, burst, min(burst) OVER (PARTITION BY conversation_id) AS first_customer_burst
        FROM scope_conv_messages
        WHERE sender_role = 'customer' AND conversation_id IN (SELECT conversation_id FROM unlabelled)
    )
    WHERE burst = first_customer_burst
)
SELECT e.conversation_id, string_agg(coalesce(e.message_text, ''), chr(10) ORDER BY e.seq) AS opening_text
FROM first_burst f
JOIN scope_conv_events e ON e.conversation_id = f.conversation_id AND e.seq = f.seq
GROUP BY e.conversation_id;

CREATE OR REPLACE TEMP TABLE contact_reason_matches (
    conversation_id VARCHAR NOT NULL,
    rank            INTEGER NOT NULL
);
