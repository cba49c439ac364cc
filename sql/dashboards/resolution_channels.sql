-- resolution_channels.sql — resolution, first-contact resolution, reopen and repeat-contact rates per channel.
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
-- resolution_pct is over all conversations; the reopen rate over resolved ones; fcr and repeat
-- rates over resolved ones whose repeat window has closed (fcr_measured: repeat_window_closed,
-- docs/metrics.md "Repeat contact near the data's end"), NULL ("not known yet" on the page)
-- below 30 of them: a conversation resolved in the data's last windows.repeat_contact cannot
-- show a repeat contact yet, so it counts in neither part.
SELECT channel,
    count(*) AS conversations,
    count(*) FILTER (WHERE resolved) AS resolved,
    round(100 * count(*) FILTER (WHERE resolved) / count(*), 1)::DOUBLE AS resolution_pct,
    CASE WHEN count(*) FILTER (WHERE resolved AND repeat_window_closed) >= 30
         THEN round(100 * count(*) FILTER (WHERE fcr AND repeat_window_closed)
                    / count(*) FILTER (WHERE resolved AND repeat_window_closed), 1)::DOUBLE END AS fcr_pct,
    round(100 * count(*) FILTER (WHERE resolved AND reopens > 0) / nullif(count(*) FILTER (WHERE resolved), 0), 1)::DOUBLE AS reopen_pct,
    CASE WHEN count(*) FILTER (WHERE resolved AND repeat_window_closed) >= 30
         THEN round(100 * count(*) FILTER (WHERE resolved AND repeat_contact AND repeat_window_closed)
                    / count(*) FILTER (WHERE resolved AND repeat_window_closed), 1)::DOUBLE END AS repeat_pct,
    round(median(resolution_s) / 3600, 1)::DOUBLE AS resolution_median_h,
    round(median(resolution_s))::DOUBLE AS resolution_median_s,
    count(*) FILTER (WHERE resolved AND repeat_window_closed) AS fcr_measured
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY channel
ORDER BY conversations DESC, channel
