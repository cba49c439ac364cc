-- One row of cost_channels. Parameters: $1 channel, $2 its fee per conversation.
INSERT INTO cost_channels VALUES ($1, $2);
