-- The org time zone the warehouse's *_local columns (and so the forecast's intervals) are in.
SELECT timezone FROM warehouse_info;
