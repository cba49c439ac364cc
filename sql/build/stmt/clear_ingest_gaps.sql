-- Empties ingest_gaps before the lake's gap records are read into it again.
DELETE FROM ingest_gaps;
