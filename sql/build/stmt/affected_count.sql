-- How many conversations an incremental build recomputes.
SELECT count(*) FROM build_affected;
