-- review_ratings.sql — the ratings of one review's final version, for parley serve's review page.
-- Reads: qa_ratings. Params: $id (the review id).
SELECT category, rating, na, scale_min, scale_max, weight, critical, comment
FROM qa_ratings
WHERE review_id = $id
ORDER BY category
