-- Rows in the lake files, duplicates included (from the Parquet footers). Parameter: $1 the lake glob.
SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata($1);
