-- The automatic checks the sampled conversations failed, for the marks on their transcript
-- pages: each failed check (auto_qa.result = 'fail') with the seq of the event that decided it
-- (evidence_seq; NULL when no single event did) and its detail, in transcript order.
-- $1 is the list of sampled conversation ids.
SELECT conversation_id, "check", evidence_seq, detail
FROM auto_qa
SEMI JOIN (SELECT unnest($1::VARCHAR[]) AS id) AS sampled ON conversation_id = sampled.id
WHERE result = 'fail'
ORDER BY conversation_id, evidence_seq NULLS LAST, "check"
