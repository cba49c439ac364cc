-- Deletes the events of the conversations in build_affected before 120_events.sql recomputes them.
DELETE FROM events WHERE conversation_id IN (SELECT conversation_id FROM build_affected);
