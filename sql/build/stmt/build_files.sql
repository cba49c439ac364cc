-- The lake files already built, with the size and modification time they had then.
SELECT file, size, modified_at FROM build_files;
