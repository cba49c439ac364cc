-- QA strata auto_fail[:CHECK] (parley qa sample --strata): the checks each
-- conversation of the period failed in auto_qa (docs/qa.md, "Automatic
-- checks"), with the same period and filters as 02_candidates.sql.
-- Parameters: $1 first local date, $2 last local date (inclusive), $3 queue ('' = any; '(none)':
-- those without one), $4 channel ('' = any),
-- $5 market ('' = any; '(none)': those without one), $6 contact reason ('' = any).
SELECT a.conversation_id, list(DISTINCT a."check" ORDER BY a."check") AS checks
FROM auto_qa AS a
JOIN conversations AS c USING (conversation_id)
WHERE a.result = 'fail'
  AND c.local_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
  AND ($3 = '' OR coalesce(c.last_queue, '(none)') = $3)
  AND ($4 = '' OR c.channel = $4)
  AND ($5 = '' OR coalesce(c.market, '(none)') = $5)
  AND ($6 = '' OR c.contact_reason = $6)
GROUP BY a.conversation_id;
