-- responsiveness_channels.sql — first response per channel: calendar vs business time, SLA.
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT channel,
    count(*) AS conversations,
    count(first_response_s) AS responded,
    round(median(first_response_s) / 60, 1)::DOUBLE AS frt_median_min,
    round(quantile_cont(first_response_s, 0.9) / 60, 1)::DOUBLE AS frt_p90_min,
    round(median(first_response_business_s) / 60, 1)::DOUBLE AS frt_business_median_min,
    round(median(first_response_any_s) / 60, 1)::DOUBLE AS frt_any_median_min,
    round(min(sla_target_s) / 60, 1)::DOUBLE AS sla_target_min,
    round(100 * count(*) FILTER (WHERE sla_met) / nullif(count(sla_met), 0), 1)::DOUBLE AS sla_pct,
    round(median(first_response_s))::DOUBLE AS frt_median_s,
    round(quantile_cont(first_response_s, 0.9))::DOUBLE AS frt_p90_s,
    round(median(first_response_business_s))::DOUBLE AS frt_business_median_s,
    round(median(first_response_any_s))::DOUBLE AS frt_any_median_s,
    round(min(sla_target_s))::DOUBLE AS sla_target_s
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY channel
ORDER BY conversations DESC, channel
