-- overview_heatmap.sql — conversations started per hour of the week, in the org time zone.
-- Reads: conversations. Params: $from, $to (local dates, inclusive).
-- dow is ISO (1 = Monday .. 7 = Sunday); hours without conversations are absent.
SELECT isodow(started_local) AS dow, hour(started_local) AS hour, count(*) AS conversations
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
GROUP BY ALL
ORDER BY dow, hour
