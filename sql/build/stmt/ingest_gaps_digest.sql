-- What ingest_gaps holds, as one string: an incremental build compares it
-- before and after reading the lake's gap records again, to tell whether
-- warehouse_info must be recomputed even though no events file is new.
SELECT coalesce(string_agg(concat_ws('/', topic, "partition", epoch, from_offset, to_offset), ','
    ORDER BY topic, "partition", epoch, from_offset), '')
FROM ingest_gaps;
