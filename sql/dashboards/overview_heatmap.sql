-- overview_heatmap.sql — conversations started per hour of the week, in the org time zone.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
-- dow is ISO (1 = Monday .. 7 = Sunday); hours without conversations are absent.
SELECT isodow(started_local) AS dow, hour(started_local) AS hour, count(*) AS conversations
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY ALL
ORDER BY dow, hour
