-- What texts of SQL are, read from DuckDB's parser alone (parley sql, parley export), before anything is
-- prepared: preparing some statements already acts (EXPORT DATABASE creates its folder).
-- json_serialize_sql parses its argument without binding or running it, and serializes only SELECT
-- statements, which include WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW and SUMMARIZE; for anything else
-- (COPY, EXPORT, ATTACH, SET, PRAGMA, CALL, EXPLAIN, INSTALL, CREATE, ...) it reports an error. In the
-- tree it returns, every table function call (in FROM, a join, a subquery or a CTE) is a node of type
-- TABLE_FUNCTION.
-- Parameter: $1 the texts, a VARCHAR[]. Returns, per text (i, from 1): is_query, whether it is
-- SELECT statements only, and one row per table function it calls (function, lower case; NULL if none).
WITH texts AS (
    SELECT t.i, json_serialize_sql(t.text) AS j
    FROM unnest($1::VARCHAR[]) WITH ORDINALITY AS t(text, i)
)
SELECT x.i, NOT coalesce(json_extract(x.j, '$.error')::BOOLEAN, false) AS is_query, f.name AS function
FROM texts AS x
LEFT JOIN LATERAL (
    SELECT DISTINCT lower(json_extract_string(n.value, '$.function.function_name')) AS name
    FROM json_tree(x.j) AS n
    WHERE n.type = 'OBJECT' AND json_extract_string(n.value, '$.type') = 'TABLE_FUNCTION'
) AS f ON true
ORDER BY x.i, f.name;
