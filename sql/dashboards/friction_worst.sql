-- friction_worst.sql — the period's highest-friction conversations, for review.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any); $limit rows.
SELECT conversation_id,
    strftime(started_local, '%Y-%m-%d %H:%M') AS started_local,
    channel,
    coalesce(last_queue, '(none)') AS queue,
    coalesce(most_active_agent_id, '') AS agent,
    round(friction_score, 1)::DOUBLE AS friction_score,
    round(nano(friction_time), 2)::DOUBLE AS time,
    round(nano(friction_impersonal), 2)::DOUBLE AS impersonal,
    round(nano(friction_directness), 2)::DOUBLE AS directness,
    round(nano(friction_effort), 2)::DOUBLE AS effort,
    csat
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason) AND friction_score IS NOT NULL
ORDER BY conversations.friction_score DESC, conversation_id -- the score itself, not its rounded column
LIMIT $limit
