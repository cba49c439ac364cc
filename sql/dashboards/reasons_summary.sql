-- reasons_summary.sql — one row per contact reason: volume and share, median first response,
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- resolution rate, bot containment (over bot-handled), escalation rate, CSAT and median friction.
-- Reads: conversations.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT contact_reason,
    count(*) AS conversations,
    round(100 * count(*) / sum(count(*)) OVER (), 1)::DOUBLE AS share_pct,
    round(median(first_response_s) / 60, 1)::DOUBLE AS frt_median_min,
    round(100 * count(*) FILTER (WHERE resolved) / count(*), 1)::DOUBLE AS resolution_pct,
    count(*) FILTER (WHERE bot_handled) AS bot_handled,
    round(100 * count(*) FILTER (WHERE bot_contained) / nullif(count(*) FILTER (WHERE bot_handled), 0), 1)::DOUBLE AS bot_containment_pct,
    round(100 * count(*) FILTER (WHERE escalated) / count(*), 1)::DOUBLE AS escalated_pct,
    round(avg(csat), 2)::DOUBLE AS csat_avg,
    count(csat) AS csat_responses,
    round(median(friction_score), 1)::DOUBLE AS friction_median,
    round(median(first_response_s))::DOUBLE AS frt_median_s
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY contact_reason
ORDER BY conversations DESC, contact_reason
