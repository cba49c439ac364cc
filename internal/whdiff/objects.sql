-- objects.sql — the tables and views of one attached warehouse, with their
-- columns in order: what whdiff compares. $1 is the catalog (the database's
-- name in this session). Temporary objects are not stored, so not listed.
SELECT t.table_name, t.table_type, c.column_name, c.data_type
FROM information_schema.tables AS t
JOIN information_schema.columns AS c
    ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name
WHERE t.table_catalog = $1 AND t.table_schema = 'main'
ORDER BY t.table_name, c.ordinal_position;
