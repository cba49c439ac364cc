-- now_queues.sql — the Now page's table: the live queue per current queue and channel.
-- Reads: queue_now (docs/metrics.md: as of the warehouse's newest event). Params: $queue,
-- $channel ('' = any; a report of one queue or channel, parley report --queue, --channel); no
-- period: the Now page shows the queue at the newest event, whatever the report's period.
-- Most customers waiting on the business first.
SELECT
    coalesce(queue, '(none)') AS queue,
    channel,
    open,
    waiting_on_business,
    waiting_on_customer,
    oldest_wait_s,
    oldest_wait_conversation_id,
    sla_breached,
    sla_at_risk,
    window_at_risk,
    window_breached,
    agents_active
FROM queue_now
WHERE ($queue = '' OR coalesce(queue, '(none)') = $queue)
  AND ($channel = '' OR channel = $channel)
ORDER BY waiting_on_business DESC, sla_breached DESC NULLS LAST, queue, channel
