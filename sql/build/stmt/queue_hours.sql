-- One row of queue_hours. Parameters: $1 queue ('' for no queue), $2 whether it is open around the clock.
INSERT INTO queue_hours VALUES ($1, $2);
