-- report_auto_checks.sql — the automatic checks in effect, in their configured order: the letters
-- of report_conversations.sql's auto_qa column follow it, and the Quality view's figures of the
-- checks (quality_auto_*.sql) are computed from them in the browser.
-- Reads: auto_qa_checks. Params: none.
SELECT "check", type, category
FROM auto_qa_checks
ORDER BY position
