-- columns.sql — every column of the warehouse's tables and views, for
-- internal/warehouse.CheckBuilt: a warehouse built by an older parley lacks
-- tables or columns later versions added, and a reader that needs them says
-- so before it writes anything, rather than failing half-way on DuckDB's
-- binder or catalog error.
-- Reads: duckdb_columns(). Params: none.
SELECT table_name, column_name
FROM duckdb_columns()
WHERE schema_name = 'main'
