-- How the warehouse was built: its fingerprint and recorded settings. Warehouses
-- built before the settings column existed give NULL settings (read through
-- to_json, which names only the columns there are).
SELECT fingerprint, to_json(b) ->> 'settings' AS settings FROM build_state b;
