-- The UTC dates on which the conversations of build_affected already have
-- events: the lake partitions (date=YYYY-MM-DD, the event's UTC date) that
-- hold their other rows, to be read again.
SELECT DISTINCT strftime(occurred_at, '%Y-%m-%d')
FROM events
SEMI JOIN build_affected USING (conversation_id)
ORDER BY 1;
