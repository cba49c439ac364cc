-- One row of contact_reason_rules. Parameters: $1 rank (1 = first rule), $2 reason, $3 RE2 pattern of all its keywords and patterns.
INSERT INTO contact_reason_rules VALUES ($1, $2, $3);
