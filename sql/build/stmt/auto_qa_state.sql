-- The digest of the checks auto_qa was computed with (247_auto_qa.sql); no row before the first.
SELECT digest FROM auto_qa_state;
