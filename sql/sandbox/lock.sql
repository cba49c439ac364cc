-- Closes the sandbox of parley sql and parley export, after sandbox/allow.sql.
-- With external access off, DuckDB opens no file or URL outside the allowed folders (no
-- read_text('/etc/passwd'), no COPY ... TO elsewhere, no ATTACH, no INSTALL or LOAD); with the
-- configuration locked, no later SET, RESET or PRAGMA can turn either back on.
SET enable_external_access = false;
SET lock_configuration = true;
