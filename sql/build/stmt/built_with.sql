-- How the warehouse was built: its fingerprint, recorded settings and lake.
-- Warehouses built before a column existed give NULL for it (read through
-- to_json, which names only the columns there are).
SELECT fingerprint, to_json(b) ->> 'settings' AS settings, to_json(b) ->> 'lake' AS lake FROM build_state b;
