-- Scope of an incremental build, before 220 (see stmt/scope_affected_events.sql).
CREATE OR REPLACE TEMP VIEW scope_messages AS
FROM messages WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
CREATE OR REPLACE TEMP VIEW scope_conv_messages AS
FROM messages WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
