-- Records the new lake files as built, with their row counts (duplicates
-- included) from the Parquet footers, so later builds count the lake's rows
-- without reading every footer again.
-- Parameters: $1 paths, $2 sizes in bytes, $3 modification times: lists in the same order.
INSERT INTO build_files
SELECT f.file, f.size, f.modified_at, m.num_rows
FROM (SELECT unnest($1::VARCHAR[]) AS file, unnest($2::BIGINT[]) AS size, unnest($3::TIMESTAMP[]) AS modified_at) f
JOIN (SELECT file_name, sum(num_rows)::BIGINT AS num_rows FROM parquet_file_metadata($1) GROUP BY file_name) m
    ON m.file_name = f.file;
