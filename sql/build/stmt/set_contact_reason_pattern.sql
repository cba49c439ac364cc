-- Reads one contact-reason rule's pattern into the variable stmt/match_contact_reason.sql
-- matches with. Parameter: $1 the rule's rank in contact_reason_rules. DuckDB compiles a
-- regular expression once when it is a constant (getvariable is one), but again for every
-- row when it comes from a column or a parameter (measured: about 6 ms a row).
SET VARIABLE contact_reason_pattern = (SELECT pattern FROM contact_reason_rules WHERE rank = $1);
