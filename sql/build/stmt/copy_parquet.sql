-- The result of a user's query to a Parquet file (parley sql --out F --format parquet).
-- The query replaces the marker below (on its own line, so a trailing -- comment in it is harmless); parameter $1 is the output path,
-- a file in the sandbox's scratch folder, the only place DuckDB may write (sql/sandbox/), renamed to F afterwards.
COPY (
/*query*/
) TO $1 (FORMAT parquet, COMPRESSION zstd);
