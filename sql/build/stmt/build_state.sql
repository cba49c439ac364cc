-- The fingerprint of the settings and SQL the warehouse was built with (no row: never recorded).
SELECT fingerprint FROM build_state;
