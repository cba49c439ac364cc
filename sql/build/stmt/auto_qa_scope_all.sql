-- Scope of automatic QA in a full build, or when the checks changed since
-- the last (see 247_auto_qa.sql): every conversation, its rows of auto_qa
-- removed first (none in a full build, which starts empty).
DELETE FROM auto_qa;
CREATE OR REPLACE TEMP VIEW auto_qa_events AS FROM events;
CREATE OR REPLACE TEMP VIEW auto_qa_conversations AS FROM conversations;
