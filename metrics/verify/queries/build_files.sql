-- The lake files the warehouse was built from, to tell a warehouse older than its lake.
SELECT file, size FROM build_files
