-- columns.sql — which of the columns of conversations the filters of parley report and parley qa
-- sample read (last_queue, channel, market, contact_reason) the warehouse lacks: a warehouse
-- built by a parley before conversations had markets and contact reasons has no market and no
-- contact_reason (internal/warehouse.CheckFilterColumns).
-- Reads: duckdb_columns(). Params: none. One row per missing column, in this order.
SELECT c.name
FROM (VALUES (1, 'last_queue'), (2, 'channel'), (3, 'market'), (4, 'contact_reason')) AS c(n, name)
WHERE c.name NOT IN (
    SELECT column_name FROM duckdb_columns()
    WHERE table_name = 'conversations' AND schema_name = 'main'
)
ORDER BY c.n
