-- One open interval of a queue. Parameters: $1 queue, $2 open_at (UTC), $3 close_at (UTC), $4 open microseconds before it.
INSERT INTO business_open VALUES ($1, $2, $3, $4);
