-- now_totals.sql — the Now page's tiles: queue_now summed over its rows.
-- Reads: queue_now, warehouse_info. Params: $queue, $channel ('' = any), as now_queues.sql.
-- Every count of queue_now adds up over rows (a conversation is in one row: its current queue
-- and channel); agents_active does not (an agent may reply in several queues), so it has no tile.
-- as_of is the newest event, also when no conversation is open.
SELECT
    (SELECT CAST(last_event_at AS TIMESTAMP) FROM warehouse_info) AS as_of,
    coalesce(sum(open), 0)::BIGINT AS open,
    coalesce(sum(waiting_on_business), 0)::BIGINT AS waiting_on_business,
    coalesce(sum(waiting_on_customer), 0)::BIGINT AS waiting_on_customer,
    max(oldest_wait_s) AS oldest_wait_s,
    coalesce(sum(sla_breached), 0)::BIGINT AS sla_breached,
    coalesce(sum(sla_at_risk), 0)::BIGINT AS sla_at_risk,
    coalesce(sum(window_at_risk), 0)::BIGINT AS window_at_risk,
    coalesce(sum(window_breached), 0)::BIGINT AS window_breached
FROM queue_now
WHERE ($queue = '' OR coalesce(queue, '(none)') = $queue)
  AND ($channel = '' OR channel = $channel)
