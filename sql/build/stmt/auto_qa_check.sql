-- One check in effect, into auto_qa_checks: name $1, type $2, category $3 (NULL for none), position $4.
INSERT INTO auto_qa_checks VALUES ($1, $2, $3, $4);
