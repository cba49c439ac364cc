-- The only folders DuckDB may still open once sandbox/lock.sql has run (parley sql, parley export).
-- Parameter: $1 the folders, a VARCHAR[]: the user's --allow-read folders and parley's own
-- scratch folder for output files. DuckDB adds its spill folder (<warehouse>.tmp) itself.
-- It must run before lock.sql: DuckDB refuses to change the list once external access is off.
SET allowed_directories = $1;
