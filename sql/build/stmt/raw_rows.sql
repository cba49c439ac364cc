-- Rows in the lake files built, duplicates included (recorded from their Parquet footers).
SELECT coalesce(sum(num_rows), 0) FROM build_files;
