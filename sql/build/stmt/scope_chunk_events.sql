-- Scope of one pass of a chunked full build, before 210: the conversations
-- whose hash falls in chunk k of n (build_chunk, stmt/set_chunk.sql). A full
-- build under build.memory_limit runs 210-240 once per chunk, so that their
-- windows and joins hold a chunk's events at a time, not all of them; every
-- statement there computes a conversation from its own rows only, except the
-- repeat contacts of 240, which read the other chunks' starts below.
-- Defines the same objects as stmt/scope_all_events.sql.
CREATE OR REPLACE TABLE build_affected_conversations (conversation_id VARCHAR NOT NULL);
CREATE OR REPLACE TEMP TABLE scope_conv_events AS
FROM events
WHERE in_build_chunk(conversation_id);
CREATE OR REPLACE TEMP VIEW scope_events AS FROM scope_conv_events;
CREATE OR REPLACE TEMP VIEW other_conversation_starts AS
SELECT customer_id, started_at
FROM build_conversation_starts
WHERE NOT in_build_chunk(conversation_id);
