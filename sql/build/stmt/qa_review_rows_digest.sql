-- What qa_review_rows holds, as one string: an incremental build compares it before and after
-- reading the lake's reviews dataset again, to tell whether the QA tables and views must be
-- recomputed even though no events file is new (an import, a dispute, an erase of reviews).
SELECT coalesce(md5(string_agg(CAST(r AS VARCHAR), chr(10) ORDER BY CAST(r AS VARCHAR))), '')
FROM qa_review_rows AS r;
