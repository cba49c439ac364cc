-- Scope of an incremental build, before 220 (see stmt/scope_affected_events.sql).
-- Every column but the text, which 220-240 do not read (240 counts repeated
-- customer messages from `events`): the messages are stored in no order of
-- time, so a lookup by conversation reads the whole table, and the texts
-- are most of it (measured at L: 1.2-1.7 s with them).
CREATE OR REPLACE TEMP TABLE scope_conv_messages AS
SELECT * EXCLUDE (text)
FROM messages
WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CREATE OR REPLACE TEMP TABLE scope_messages AS
FROM scope_conv_messages WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
