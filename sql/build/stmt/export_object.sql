-- One public table or view, by name, to a Parquet file (parley export).
-- Parameters: $1 the object's name, $2 the output path, a file in the sandbox's scratch folder (sql/sandbox/),
-- renamed into the export folder afterwards.
COPY (SELECT * FROM query_table($1::VARCHAR)) TO $2 (FORMAT parquet, COMPRESSION zstd);
