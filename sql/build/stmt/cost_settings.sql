-- The one row of cost_settings. Parameters: $1 whether any price is set, $2 agent hour (NULL if not set), $3 cost of a bot conversation (NULL if not set).
INSERT INTO cost_settings VALUES ($1, $2, $3);
