-- The build fingerprint (settings and build SQL) the warehouse records.
SELECT fingerprint FROM build_state
