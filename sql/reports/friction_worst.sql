-- friction_worst.sql — the period's highest-friction conversations, for review.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); $limit rows.
SELECT conversation_id,
    strftime(started_local, '%Y-%m-%d %H:%M') AS started_local,
    channel,
    coalesce(last_queue, '') AS queue,
    coalesce(most_active_agent_id, '') AS agent,
    round(friction_score, 1)::DOUBLE AS friction_score,
    round(friction_time, 2)::DOUBLE AS time,
    round(friction_impersonal, 2)::DOUBLE AS impersonal,
    round(friction_directness, 2)::DOUBLE AS directness,
    round(friction_effort, 2)::DOUBLE AS effort,
    csat
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND friction_score IS NOT NULL
ORDER BY friction_score DESC, conversation_id
LIMIT $limit
