-- The SQL a warehouse file defines itself and runs whenever a query names it (parley sql,
-- parley export): its views' CREATE VIEW statements and its macros' bodies (a table macro's
-- query, a scalar macro's expression). OpenSandbox checks the table functions they call, as it
-- checks a user's query: a warehouse from elsewhere could hide a call in a view.
SELECT 'view' AS kind, view_name AS name, sql AS definition
FROM duckdb_views() WHERE NOT internal
UNION ALL
SELECT function_type, function_name, macro_definition
FROM duckdb_functions() WHERE NOT internal AND function_type IN ('macro', 'table_macro')
ORDER BY kind, name;
