-- The conversations whose first messages (235_conversation_openings.sql) one contact-reason
-- rule matches, after stmt/set_contact_reason_pattern.sql read its pattern. Parameter: $1
-- the rule's rank.
INSERT INTO contact_reason_matches
SELECT conversation_id, $1
FROM conversation_openings_delta
WHERE regexp_matches(opening_text, getvariable('contact_reason_pattern'));
