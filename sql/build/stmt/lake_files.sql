-- The lake files this run ranks, as the variable build_lake_files that
-- 110_affected.sql, 120_events.sql and 125_duplicate_conflicts.sql read
-- (go-duckdb binds parameters to the last statement of a file only, and
-- those files run several): every complete lake file in a full build, the
-- files not built before in an incremental one.
-- Parameters: $1 the list of lake file paths.
SET VARIABLE build_lake_files = $1::VARCHAR[];
