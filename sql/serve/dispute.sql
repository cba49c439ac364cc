-- dispute.sql — the open dispute of one review for parley serve's review page: the reason the
-- agent gave, who filed it and when, from its latest dispute (qa_reviews.status is 'disputed'
-- while that is later than any resolution; the page asks only then).
-- Reads: qa_review_rows (the lake's reviews dataset). Params: $id (the review id).
SELECT coalesce(reason, '') AS reason, coalesce(filed_by, '') AS filed_by, "at"
FROM qa_review_rows
WHERE review_id = $id AND kind = 'dispute'
ORDER BY "at" DESC, recorded_at DESC
LIMIT 1
