-- Scope of a full build, before 220: every conversation's messages (see stmt/scope_all_events.sql).
CREATE OR REPLACE TEMP VIEW scope_messages AS FROM messages;
CREATE OR REPLACE TEMP VIEW scope_conv_messages AS FROM messages;
