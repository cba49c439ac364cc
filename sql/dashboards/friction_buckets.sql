-- friction_buckets.sql — distribution of the friction score (0..100) in bands of 10 points.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH bands AS (
    SELECT range AS band FROM range(0, 10)
), c AS (
    SELECT least(floor(friction_score / 10), 9)::BIGINT AS band FROM conversations
    WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND friction_score IS NOT NULL
)
SELECT (bands.band * 10)::BIGINT AS lo, count(c.band) AS conversations
FROM bands LEFT JOIN c ON c.band = bands.band
GROUP BY ALL
ORDER BY lo
