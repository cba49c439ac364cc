-- Scope of automatic QA in an incremental build (see 247_auto_qa.sql): the
-- conversations whose `conversations` row the build recomputed
-- (build_affected_conversations, stmt/scope_affected_events.sql), whose
-- events scope_conv_events already holds; their old rows of auto_qa go first.
DELETE FROM auto_qa WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CREATE OR REPLACE TEMP VIEW auto_qa_events AS FROM scope_conv_events;
CREATE OR REPLACE TEMP VIEW auto_qa_conversations AS
FROM conversations WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
