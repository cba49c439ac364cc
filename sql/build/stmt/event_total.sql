-- Rows of `events`, to size the passes of a chunked full build.
SELECT count(*) FROM events;
