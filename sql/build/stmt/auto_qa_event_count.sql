-- The events automatic QA reads in this build (the temp view auto_qa_events:
-- see stmt/auto_qa_scope_*.sql), to size its passes (metrics/autoqa.go).
SELECT count(*) FROM auto_qa_events;
