-- resolution_channels.sql — resolution, first-contact resolution, reopen and repeat-contact rates per channel.
-- The *_s columns are the same times in whole seconds, as overview_kpis gives them: the page shows
-- those; the *_min and *_h ones (to 0.1, i.e. 6 s or 6 min) stay as they were for CSV readers.
-- Reads: conversations. Params: $from, $to (local dates, inclusive); the slice $channel, $queue, $market, $reason ('' = any).
-- resolution_pct is over all conversations; fcr, reopen and repeat rates are over resolved ones.
SELECT channel,
    count(*) AS conversations,
    count(*) FILTER (WHERE resolved) AS resolved,
    round(100 * count(*) FILTER (WHERE resolved) / count(*), 1)::DOUBLE AS resolution_pct,
    round(100 * count(*) FILTER (WHERE fcr) / nullif(count(*) FILTER (WHERE resolved), 0), 1)::DOUBLE AS fcr_pct,
    round(100 * count(*) FILTER (WHERE resolved AND reopens > 0) / nullif(count(*) FILTER (WHERE resolved), 0), 1)::DOUBLE AS reopen_pct,
    round(100 * count(*) FILTER (WHERE resolved AND repeat_contact) / nullif(count(*) FILTER (WHERE resolved), 0), 1)::DOUBLE AS repeat_pct,
    round(median(resolution_s) / 3600, 1)::DOUBLE AS resolution_median_h,
    round(median(resolution_s))::DOUBLE AS resolution_median_s
FROM conversations
WHERE local_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
      AND in_slice(channel, last_queue, market, contact_reason, $channel, $queue, $market, $reason)
GROUP BY channel
ORDER BY conversations DESC, channel
