-- Scope of an incremental build, before 240 (see stmt/scope_affected_events.sql):
-- the escalations and episodes of the conversations whose row 240 computes.
CREATE OR REPLACE TEMP TABLE scope_conv_escalations AS
FROM escalations WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CREATE OR REPLACE TEMP TABLE scope_conv_episodes AS
FROM episodes WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
