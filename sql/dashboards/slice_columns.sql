-- slice_columns.sql — whether the warehouse has the columns and helpers the dashboards slice
-- by (conversations.contact_reason, the macro in_slice) and the FCR rate needs
-- (conversations.repeat_window_closed): 0 for a warehouse an older parley built.
-- Reads: duckdb_columns(), duckdb_functions(). Params: none.
SELECT count(*) FILTER (WHERE table_name = 'conversations' AND column_name = 'contact_reason')
     * count(*) FILTER (WHERE table_name = 'conversations' AND column_name = 'repeat_window_closed')
     * (SELECT count(*) FROM duckdb_functions() WHERE function_name = 'in_slice')
FROM duckdb_columns()
