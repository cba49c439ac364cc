-- Records one lake file as built. Parameters: $1 path, $2 size in bytes, $3 modification time.
INSERT INTO build_files VALUES ($1, $2, $3);
