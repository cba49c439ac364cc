-- agents.sql — one row per human agent (the conversation's most active agent, as in agent_daily).
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
SELECT most_active_agent_id AS agent,
    count(*) AS conversations,
    sum(agent_messages)::BIGINT AS agent_messages,
    round(median(first_response_s) / 60, 1)::DOUBLE AS frt_median_min,
    round(100 * count(*) FILTER (WHERE resolved) / count(*), 1)::DOUBLE AS resolution_pct,
    round(median(resolution_s) / 3600, 1)::DOUBLE AS resolution_median_h,
    round(avg(csat), 2)::DOUBLE AS csat_avg,
    count(csat) AS csat_responses,
    round(median(friction_score), 1)::DOUBLE AS friction_median,
    round(median(first_response_s))::DOUBLE AS frt_median_s,
    round(median(resolution_s))::DOUBLE AS resolution_median_s
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND most_active_agent_id IS NOT NULL
GROUP BY most_active_agent_id
ORDER BY conversations DESC, agent
