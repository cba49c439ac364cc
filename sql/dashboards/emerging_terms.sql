-- emerging_terms.sql — emerging contact reasons: the terms of customers' first messages
-- (opening_terms) whose share of the period's conversations rose most against the previous
-- period (the same number of days before $from), among terms in at least 10 of the period's
-- conversations. Nothing is listed unless both periods hold 30 conversations or more: a
-- change in a share of fewer says little. Shares are of all conversations in the slice.
-- Reads: conversations, opening_terms.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH p AS (
    SELECT CAST($from AS DATE) AS f, CAST($to AS DATE) AS t,
        CAST($from AS DATE) - (CAST($to AS DATE) - CAST($from AS DATE) + 1)::INTEGER AS pf
), c AS (
    SELECT conversation_id, local_date >= p.f AS cur
    FROM conversations, p
    WHERE local_date BETWEEN p.pf AND p.t
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
), n AS (
    SELECT count(*) FILTER (WHERE cur) AS n_cur, count(*) FILTER (WHERE NOT cur) AS n_prev FROM c
), t AS (
    SELECT o.term, count(*) FILTER (WHERE c.cur) AS conversations, count(*) FILTER (WHERE NOT c.cur) AS previous_conversations
    FROM opening_terms o
    JOIN c USING (conversation_id)
    GROUP BY o.term
)
SELECT term, conversations,
    round(100 * conversations / n_cur, 1)::DOUBLE AS share_pct,
    previous_conversations,
    round(100 * previous_conversations / n_prev, 1)::DOUBLE AS previous_share_pct,
    round(100 * conversations / n_cur - 100 * previous_conversations / n_prev, 1)::DOUBLE AS rise_pts
FROM t, n
WHERE n_cur >= 30 AND n_prev >= 30 AND conversations >= 10
  AND conversations / n_cur > previous_conversations / n_prev
ORDER BY conversations / n_cur - previous_conversations / n_prev DESC, term
LIMIT 20
