-- The sampled conversations' metrics, for the manifest and the transcript
-- pages. $1 is the list of sampled conversation ids.
SELECT
    conversation_id, customer_id, channel, first_queue, last_queue,
    CAST(local_date AS VARCHAR)  AS local_date,
    started_local,
    most_active_agent_id, first_agent_id, last_agent_id,
    customer_messages, agent_messages, bot_messages,
    first_response_s, first_response_business_s, sla_target_s, sla_met,
    resolved, resolution_s, reopens, escalations, transfers,
    abandoned, complete, csat,
    friction_score, friction_time, friction_impersonal, friction_directness, friction_effort
FROM conversations
SEMI JOIN (SELECT unnest($1::VARCHAR[]) AS id) AS sampled ON conversation_id = sampled.id
ORDER BY conversation_id
