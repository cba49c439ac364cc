-- The first and last event instants (UTC) of the warehouse, for expanding business hours.
SELECT min(occurred_at), max(occurred_at) FROM events;
