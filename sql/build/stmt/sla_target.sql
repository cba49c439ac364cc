-- One row of sla_targets. Parameters: $1 channel, $2 first-response target in seconds, $3 goal share.
INSERT INTO sla_targets VALUES ($1, $2, $3);
