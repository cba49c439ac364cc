-- diff.sql — one object of two warehouses compared as multisets of rows:
-- its rows in each, and the rows of each that the other lacks (EXCEPT ALL
-- keeps duplicates, so a row held twice on one side and once on the other
-- counts). Doubles compare exactly: equal means bit-identical.
-- Filled in by whdiff.Compare: %[1]s the column list, %[2]s the object in
-- warehouse a, %[3]s the same object in warehouse b (quoted identifiers).
SELECT
    (SELECT count(*) FROM %[2]s) AS rows_a,
    (SELECT count(*) FROM %[3]s) AS rows_b,
    (SELECT count(*) FROM (SELECT %[1]s FROM %[2]s EXCEPT ALL SELECT %[1]s FROM %[3]s)) AS only_a,
    (SELECT count(*) FROM (SELECT %[1]s FROM %[3]s EXCEPT ALL SELECT %[1]s FROM %[2]s)) AS only_b;
