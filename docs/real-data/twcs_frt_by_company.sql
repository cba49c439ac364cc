-- twcs_frt_by_company.sql — first-response time per company on the Twitter
-- customer-support sample (docs/real-data.md), next to per-reply latency.
--
-- A conversation's company is its first queue (the account that answered
-- first); FRT is the contract's first_response_s, over the conversations
-- where a customer wrote and the company replied (docs/real-data.md shows the
-- companies with at least 15). replies and per_reply_median_min are the company's replies that
-- answer a burst of customer tweets (messages.reply_wait_s: burst start →
-- reply), for comparison with published per-reply figures. Minutes, rounded
-- to 0.1, and the FRT quantiles unrounded in seconds. Quantiles are interpolated (quantile_cont), so the median of an
-- even count is the mean of the two middle values.
WITH frt AS (
    SELECT
        first_queue AS company,
        count(*)    AS conversations,
        quantile_cont(first_response_s, 0.5) AS frt_median_s,
        quantile_cont(first_response_s, 0.9) AS frt_p90_s
    FROM conversations
    WHERE first_response_s IS NOT NULL
    GROUP BY first_queue
),
per_reply AS (
    SELECT
        c.first_queue AS company,
        count(*)      AS replies,
        quantile_cont(m.reply_wait_s, 0.5) AS reply_median_s
    FROM messages m
    JOIN conversations c USING (conversation_id)
    WHERE m.reply_wait_s IS NOT NULL
    GROUP BY c.first_queue
)
SELECT
    f.company,
    f.conversations,
    round(f.frt_median_s / 60, 1)   AS frt_median_min,
    round(f.frt_p90_s / 60, 1)      AS frt_p90_min,
    r.replies,
    round(r.reply_median_s / 60, 1) AS per_reply_median_min,
    f.frt_median_s,
    f.frt_p90_s
FROM frt f
LEFT JOIN per_reply r USING (company)
ORDER BY f.conversations DESC, f.company;
