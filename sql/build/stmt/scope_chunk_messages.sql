-- Scope of one pass of a chunked full build, before 220 (see stmt/scope_chunk_events.sql).
CREATE OR REPLACE TEMP TABLE scope_conv_messages AS
FROM messages
WHERE in_build_chunk(conversation_id);
CREATE OR REPLACE TEMP VIEW scope_messages AS FROM scope_conv_messages;
