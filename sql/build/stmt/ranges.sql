-- Incremental builds only: the time ranges that bound the lookups of the
-- rows of a few conversations in `events`.
--
-- `events` is stored roughly in time order (the lake's date partitions, and
-- each build's new rows after the old), and DuckDB skips a row group whose
-- occurred_at lies outside a filter of constant ranges, without reading its
-- message texts. A filter on conversation_id alone skips nothing: the ids are
-- random, so every row group of the warehouse would be read whole (measured
-- at L: 2.1-2.6 s per lookup, against 0.6-1.1 s with ranges).
--
-- The caller fills the temporary table build_intervals(lo, hi), created
-- here, with intervals that hold every row it looks for (a conversation's
-- events lie within the spans of its `episodes` rows), then runs
--     SET VARIABLE build_ranges = (FROM build_ranges());
-- and filters with in_build_ranges(occurred_at) next to the conversation_id
-- filter. The variable makes the ranges constants when the query is planned,
-- so they reach the scan. build_ranges merges the intervals into at most 8:
-- the 7 widest gaps between them separate ranges, narrower ones are bridged.
-- Missing ranges are NULL, which matches nothing.
CREATE OR REPLACE TEMP TABLE build_intervals (lo TIMESTAMP, hi TIMESTAMP);
CREATE OR REPLACE TEMP MACRO build_ranges() AS TABLE
WITH ordered AS (
    SELECT
        lo, hi,
        row_number() OVER (ORDER BY lo, hi) AS n,
        lo - max(hi) OVER (ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS gap
    FROM build_intervals
    WHERE lo IS NOT NULL AND hi IS NOT NULL
),
splits AS (
    SELECT n FROM ordered WHERE gap > INTERVAL 0 SECOND ORDER BY gap DESC, n LIMIT 7
),
grouped AS (
    SELECT o.lo, o.hi, count(s.n) OVER (ORDER BY o.n) AS range_no
    FROM ordered o
    LEFT JOIN splits s USING (n)
)
SELECT coalesce(list({'lo': lo, 'hi': hi} ORDER BY lo), []) AS ranges
FROM (SELECT min(lo) AS lo, max(hi) AS hi FROM grouped GROUP BY range_no);

-- in_build_ranges is bound when it is created: give the variable its type first.
SET VARIABLE build_ranges = (FROM build_ranges());
CREATE OR REPLACE TEMP MACRO in_build_ranges(t) AS
       t BETWEEN getvariable('build_ranges')[1].lo AND getvariable('build_ranges')[1].hi
    OR t BETWEEN getvariable('build_ranges')[2].lo AND getvariable('build_ranges')[2].hi
    OR t BETWEEN getvariable('build_ranges')[3].lo AND getvariable('build_ranges')[3].hi
    OR t BETWEEN getvariable('build_ranges')[4].lo AND getvariable('build_ranges')[4].hi
    OR t BETWEEN getvariable('build_ranges')[5].lo AND getvariable('build_ranges')[5].hi
    OR t BETWEEN getvariable('build_ranges')[6].lo AND getvariable('build_ranges')[6].hi
    OR t BETWEEN getvariable('build_ranges')[7].lo AND getvariable('build_ranges')[7].hi
    OR t BETWEEN getvariable('build_ranges')[8].lo AND getvariable('build_ranges')[8].hi;
