-- Every queue name the events mention, for expanding business hours; '' stands for no queue.
SELECT DISTINCT coalesce(q, '') AS queue
FROM (
    SELECT queue AS q FROM events
    UNION ALL
    SELECT to_queue FROM events
)
ORDER BY queue;
