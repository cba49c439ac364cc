-- Scope of an incremental build, before 220 (see stmt/scope_affected_events.sql).
-- By rowid, for the reason given in stmt/scope_affected_events.sql.
CREATE OR REPLACE TEMP TABLE scope_conv_messages AS
FROM messages
WHERE rowid IN (
    SELECT rowid FROM messages
    WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations)
);
CREATE OR REPLACE TEMP TABLE scope_messages AS
FROM scope_conv_messages WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
