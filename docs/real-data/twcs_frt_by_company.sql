-- First-response time per company on the "Customer Support on Twitter" data,
-- after `parley import --format twcs` and `parley build`: one row per company
-- account (the conversation's first queue is the company that answered first),
-- over the conversations where a customer wrote and the company replied.
-- Quantiles are interpolated (quantile_cont), so the median of an even count
-- is the mean of the two middle values.
SELECT
    first_queue                                      AS company,
    count(*)                                         AS conversations,
    round(quantile_cont(first_response_s, 0.5) / 60, 1) AS frt_median_min,
    round(quantile_cont(first_response_s, 0.9) / 60, 1) AS frt_p90_min,
    quantile_cont(first_response_s, 0.5)             AS frt_median_s,
    quantile_cont(first_response_s, 0.9)             AS frt_p90_s
FROM conversations
WHERE first_response_s IS NOT NULL
GROUP BY first_queue
ORDER BY conversations DESC, company;
