-- Whether the warehouse already has conversations.agent_handle_s (the working-time
-- estimate of the asynchronous-messaging metrics); `--aht auto` prefers it when present.
SELECT count(*) > 0
FROM duckdb_columns()
WHERE table_name = 'conversations' AND column_name = 'agent_handle_s';
