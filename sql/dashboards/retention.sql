-- retention.sql — whether customers come back, by friction band and by CSAT: the repeat-contact
-- rate (repeat_contact over resolved conversations with a customer_id: back within
-- windows.repeat_contact after the resolution), over those whose repeat window has closed
-- (repeat_window_closed; repeat_measured counts them, repeat_pct is NULL below 30, as for the
-- 30 days below: docs/metrics.md, "Repeat contact near the data's end"), and the share who
-- wrote again within 30 days:
-- customer_returns.returned_30d over the conversations whose 30 days have all passed within the
-- data (ended_at + 30 days at or before the last event that is not in the future, as
-- customer_returns reads it). A conversation still inside its 30 days counts in neither: only
-- those whose customer already came back are known yet, so counting them would make the rate
-- 100 % in a recent period. returned_measured counts the closed windows; returned_pct is NULL
-- ("not known yet" on the page) when fewer than 30 are closed (docs/metrics.md, "Wrote again").
-- Reads: conversations, customer_returns, events, warehouse_info.
-- Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
WITH known AS (
    SELECT max(occurred_at) AS until
    FROM events
    WHERE occurred_at <= (SELECT built_at FROM warehouse_info)
), c AS (
    SELECT c.friction_score, c.csat, c.resolved AND c.repeat_window_closed AS repeat_known, c.repeat_contact,
        c.customer_id IS NOT NULL AS known_customer,
        CASE WHEN k.until >= r.ended_at + INTERVAL 30 DAY THEN r.returned_30d END AS returned_30d
    FROM conversations c
    JOIN customer_returns r USING (conversation_id)
    CROSS JOIN known k
    WHERE c.local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(c.channel, c.last_queue, c.market, c.contact_reason, $channel, $queue, $market, $reason)
), per AS (
    SELECT 'friction' AS grouping,
        CASE WHEN friction_score < 20 THEN '0–20' WHEN friction_score < 40 THEN '20–40' WHEN friction_score < 60 THEN '40–60'
             WHEN friction_score < 80 THEN '60–80' ELSE '80–100' END AS band,
        repeat_known, repeat_contact, known_customer, returned_30d
    FROM c
    UNION ALL
    SELECT 'csat', coalesce(CAST(csat AS VARCHAR), 'no answer'), repeat_known, repeat_contact, known_customer, returned_30d FROM c
)
SELECT grouping, band,
    count(*) AS conversations,
    count(*) FILTER (WHERE repeat_known AND known_customer) AS repeat_measured,
    count(*) FILTER (WHERE repeat_known AND repeat_contact) AS repeat_contacts,
    CASE WHEN count(*) FILTER (WHERE repeat_known AND known_customer) >= 30
         THEN round(100 * count(*) FILTER (WHERE repeat_known AND repeat_contact)
                    / count(*) FILTER (WHERE repeat_known AND known_customer), 1)::DOUBLE END AS repeat_pct,
    count(returned_30d) AS returned_measured,
    count(*) FILTER (WHERE returned_30d) AS returned,
    CASE WHEN count(returned_30d) >= 30
         THEN round(100 * count(*) FILTER (WHERE returned_30d) / count(returned_30d), 1)::DOUBLE END AS returned_pct
FROM per
GROUP BY ALL
ORDER BY grouping DESC, band
