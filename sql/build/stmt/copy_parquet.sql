-- The result of a user's query to a Parquet file (parley sql --out F --format parquet).
-- The query replaces the marker below (on its own line, so a trailing -- comment in it is harmless).
-- Parameters: $parley_out, the output file in the sandbox's scratch folder, the only place DuckDB
-- may write (sql/sandbox/), renamed to F afterwards; and the query's own named parameters (--param).
COPY (
/*query*/
) TO $parley_out (FORMAT parquet, COMPRESSION zstd);
