-- overview_daily.sql — daily trends on the Overview page: one row per local date of the period,
-- days without conversations included (as zero volume and empty rates).
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH days AS (
    SELECT CAST(d AS DATE) AS day
    FROM range(CAST($from AS DATE), CAST($to AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)
), c AS (
    SELECT local_date,
        count(*) AS conversations,
        round(median(first_response_s) / 60, 1)::DOUBLE AS frt_median_min,
        round(100 * count(*) FILTER (WHERE sla_met) / nullif(count(sla_met), 0), 1)::DOUBLE AS sla_pct,
        round(100 * count(*) FILTER (WHERE resolved) / count(*), 1)::DOUBLE AS resolution_pct,
        round(avg(csat), 2)::DOUBLE AS csat_avg
    FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
    GROUP BY local_date
)
SELECT strftime(days.day, '%Y-%m-%d') AS day,
    coalesce(c.conversations, 0) AS conversations,
    c.frt_median_min, c.sla_pct, c.resolution_pct, c.csat_avg
FROM days LEFT JOIN c ON c.local_date = days.day
ORDER BY days.day
