-- The first-response targets the warehouse was built with, by channel.
SELECT channel, first_response_s, goal FROM sla_targets ORDER BY channel
