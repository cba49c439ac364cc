-- Records how this build was made: $1 the fingerprint of its settings and SQL,
-- $2 the settings themselves (the YAML of the ones that decide what it computes),
-- so that the next build can name the settings it changes, and $3 the lake it
-- was built from (an absolute folder, or s3://bucket/prefix for a lake in object
-- storage, whose local cache it read), so that a build from another lake does not
-- silently replace it.
CREATE OR REPLACE TABLE build_state AS SELECT $1::VARCHAR AS fingerprint, $2::VARCHAR AS settings, $3::VARCHAR AS lake;
