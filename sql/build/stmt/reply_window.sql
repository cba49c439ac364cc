-- One row of reply_windows. Parameters: $1 channel, $2 window in seconds.
INSERT INTO reply_windows VALUES ($1, $2);
