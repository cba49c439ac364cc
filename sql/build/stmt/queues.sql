-- Every queue name the events mention, for expanding business hours; '' stands for no queue.
-- Each column is made distinct on its own first: two small aggregates over
-- dictionary-compressed columns cost half of one over both stacked.
SELECT DISTINCT coalesce(q, '') AS queue
FROM (
    SELECT DISTINCT queue AS q FROM events
    UNION ALL
    SELECT DISTINCT to_queue FROM events
)
ORDER BY queue;
