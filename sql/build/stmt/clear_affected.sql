-- An incremental build with no new events file (only new gap records):
-- no conversation is recomputed, only what reads the whole warehouse
-- (250 onwards, warehouse_info among them).
DELETE FROM build_affected;
