-- Incremental builds only, after 120_events.sql: how many events built
-- before lost their kept copy to a copy in a new lake file that was
-- ingested first (possible when a build runs while ingest publishes: a batch
-- read earlier may be published later). The copies dropped before were
-- compared with the old kept copy, which is no longer kept, so the build
-- falls back to a full rebuild rather than compare them again from the lake.
-- An old event is in 120's scope with file_index one past the last new file
-- (stmt/scope_affected_lake.sql).
SELECT count(*)
FROM build_copies
WHERE copy > 1 AND lake_file = len(getvariable('build_lake_files'));
