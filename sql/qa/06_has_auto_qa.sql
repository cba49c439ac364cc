-- Whether the warehouse has the automatic checks' table auto_qa (docs/qa.md, "Automatic
-- checks"): a warehouse built by a parley before them has not, and its QA packets carry no
-- marks of failed checks until it is rebuilt.
SELECT count(*) > 0
FROM duckdb_tables()
WHERE table_name = 'auto_qa';
