-- One row of cost_queues. Parameters: $1 queue, $2 its agent hour.
INSERT INTO cost_queues VALUES ($1, $2);
