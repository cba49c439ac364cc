-- Which pass of a chunked full build runs next (see stmt/scope_chunk_events.sql):
-- $1 the chunk, from 0, and $2 the number of chunks. in_build_chunk tells
-- whether a conversation belongs to it.
CREATE OR REPLACE TEMP TABLE build_chunk AS SELECT $1::UBIGINT AS k, $2::UBIGINT AS n;
