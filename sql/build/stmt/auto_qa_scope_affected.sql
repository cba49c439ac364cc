-- Scope of automatic QA in an incremental build (see 247_auto_qa.sql): the
-- conversations whose `conversations` row the build recomputed
-- (build_affected_conversations, stmt/scope_affected_events.sql); their old
-- rows of auto_qa go first. The checks run on a connection of their own
-- (build/plan: Beside), which does not see the temporary scope_conv_events
-- of the build's connection: their events are read from `events` again (the
-- same rows: scope_conv_events is every event of those conversations).
DELETE FROM auto_qa WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CREATE OR REPLACE TEMP VIEW auto_qa_events AS
FROM events WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CREATE OR REPLACE TEMP VIEW auto_qa_conversations AS
FROM conversations WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
