-- Empties qa_review_rows before the lake's reviews dataset is read into it again.
DELETE FROM qa_review_rows;
