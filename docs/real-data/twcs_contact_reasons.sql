-- twcs_contact_reasons.sql — the default contact-reason rules on the real Twitter threads
-- (docs/real-data.md): conversations per contact reason, with the share of all.
-- Reads: conversations. Params: none.
SELECT contact_reason, count(*) AS conversations,
    round(100 * count(*) / sum(count(*)) OVER (), 1)::DOUBLE AS pct
FROM conversations
GROUP BY contact_reason
ORDER BY conversations DESC, contact_reason
