-- Records the digest of the checks auto_qa now holds the verdicts of ($1).
CREATE OR REPLACE TABLE auto_qa_state AS SELECT CAST($1 AS VARCHAR) AS digest;
