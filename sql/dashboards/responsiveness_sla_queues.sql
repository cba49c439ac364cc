-- responsiveness_sla_queues.sql — SLA attainment per queue (the conversation's last queue, as in
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- kpi_daily, so sum(sla_met) / sum(sla_measured) over kpi_daily gives the same figure).
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT coalesce(last_queue, '(none)') AS queue,
    count(sla_met) AS measured,
    count(*) FILTER (WHERE sla_met) AS met,
    round(100 * count(*) FILTER (WHERE sla_met) / nullif(count(sla_met), 0), 1)::DOUBLE AS sla_pct,
    round(median(first_response_s) / 60, 1)::DOUBLE AS frt_median_min,
    round(median(first_response_s))::DOUBLE AS frt_median_s
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY ALL
HAVING count(sla_met) > 0
ORDER BY measured DESC, queue
