-- Whether one statement is a query, decided by DuckDB's parser alone (parley sql, before the statement
-- is prepared: preparing some statements already acts, e.g. EXPORT DATABASE creates its folder).
-- json_serialize_sql parses its argument without binding or running it, and serializes only SELECT
-- statements, which include WITH, FROM, VALUES, TABLE, DESCRIBE, SHOW and SUMMARIZE; for anything
-- else (COPY, EXPORT, ATTACH, SET, PRAGMA, CALL, EXPLAIN, INSTALL, CREATE, ...) it reports an error.
-- Parameter: $1 the statement. Returns is_query and, when it is not one, DuckDB's reason.
SELECT NOT coalesce(json_extract(j, '$.error')::BOOLEAN, false) AS is_query,
       coalesce(json_extract_string(j, '$.error_message'), '') AS reason
FROM (SELECT json_serialize_sql($1::VARCHAR) AS j);
