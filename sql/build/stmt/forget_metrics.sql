-- Incremental builds only, right after stmt/scope_affected_events.sql: deletes
-- the metric rows that 210-240 then compute again (messages, episodes and
-- escalations of build_affected; conversations of build_affected_conversations),
-- and checkpoints before they are inserted, for the reason given in
-- stmt/forget_events.sql: a checkpoint that finds deletes and appends in one
-- table rewrites every row group the deletes touched, which for a day's
-- conversations is nearly all of them (measured at L: the closing checkpoint
-- took 2.5 s when each of 210-240 deleted its own rows).
DELETE FROM messages WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
DELETE FROM episodes WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
DELETE FROM escalations WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
DELETE FROM conversations WHERE conversation_id IN (SELECT conversation_id FROM build_affected_conversations);
CHECKPOINT;
