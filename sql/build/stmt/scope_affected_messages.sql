-- Scope of an incremental build, before 220 (see stmt/scope_affected_events.sql).
-- Only the columns 220-240 read (240 counts repeated customer messages from
-- `events`): the messages are stored in no order of time, so a lookup by
-- conversation reads the whole table, and the texts and event ids are most
-- of it (measured at L: 1.2-1.7 s with every column, 0.5 s without).
CREATE OR REPLACE TEMP TABLE scope_conv_messages AS
SELECT conversation_id, seq, episode, occurred_at, sender_role, sender_id, private, automated, human_reply, burst, reply_wait_s
FROM messages
WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CREATE OR REPLACE TEMP VIEW scope_messages AS
FROM scope_conv_messages WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
