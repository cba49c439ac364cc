-- Records the fingerprint of this build's settings and SQL. Parameter: $1 the fingerprint.
CREATE OR REPLACE TABLE build_state AS SELECT $1::VARCHAR AS fingerprint;
