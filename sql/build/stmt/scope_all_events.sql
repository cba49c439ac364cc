-- Scope of a full build, before 210: every conversation. The incremental
-- counterpart is stmt/scope_affected_events.sql; both define the same objects:
--
--   scope_events                  events of the conversations whose messages,
--                                 episodes and escalations are computed
--   scope_conv_events             events of the conversations whose `conversations` row is
--   other_conversation_starts     (customer_id, started_at) of the conversations
--                                 whose row is kept, for repeat contacts: none here
--   build_affected_conversations  conversations whose old `conversations` row is
--                                 replaced: none in a full build, which starts empty
CREATE OR REPLACE TABLE build_affected_conversations (conversation_id VARCHAR NOT NULL);
CREATE OR REPLACE TEMP VIEW scope_events AS FROM events;
CREATE OR REPLACE TEMP VIEW scope_conv_events AS FROM events;
CREATE OR REPLACE TEMP VIEW other_conversation_starts AS
SELECT NULL::VARCHAR AS customer_id, NULL::TIMESTAMP AS started_at
WHERE false;
