-- queues.sql — one row per queue (the conversation's last queue, as in kpi_daily).
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT coalesce(last_queue, '(none)') AS queue,
    count(*) AS conversations,
    round(median(first_response_s) / 60, 1)::DOUBLE AS frt_median_min,
    round(100 * count(*) FILTER (WHERE sla_met) / nullif(count(sla_met), 0), 1)::DOUBLE AS sla_pct,
    round(100 * count(*) FILTER (WHERE resolved) / count(*), 1)::DOUBLE AS resolution_pct,
    round(100 * count(*) FILTER (WHERE escalated) / count(*), 1)::DOUBLE AS escalated_pct,
    round(avg(csat), 2)::DOUBLE AS csat_avg,
    count(csat) AS csat_responses,
    round(median(friction_score), 1)::DOUBLE AS friction_median,
    round(median(first_response_s))::DOUBLE AS frt_median_s
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY ALL
ORDER BY conversations DESC, queue
