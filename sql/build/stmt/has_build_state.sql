-- Whether the warehouse has the table build_state: one written by the metrics
-- stage alone (or by a parley before the table) records no build state.
SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'build_state';
