-- The ranks of the contact-reason rules, in order: the build matches them one by one.
SELECT rank FROM contact_reason_rules ORDER BY rank;
