-- Scope of one pass of a chunked full build, before 240: the chunk's
-- escalations and episodes (see stmt/scope_chunk_events.sql).
CREATE OR REPLACE TEMP TABLE scope_conv_escalations AS
FROM escalations
WHERE in_build_chunk(conversation_id);
CREATE OR REPLACE TEMP TABLE scope_conv_episodes AS
FROM episodes
WHERE in_build_chunk(conversation_id);
