-- Every row of messages for a batch of conversations ($1: a list of conversation_id), every column,
-- for `parley verify` to compare with the specification's rows.
SELECT * FROM messages WHERE conversation_id IN (SELECT unnest($1::VARCHAR[]))
