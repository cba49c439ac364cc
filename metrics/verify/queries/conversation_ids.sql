-- Every conversation of the warehouse: `parley verify --all` checks the lake has the same ones.
SELECT conversation_id FROM conversations ORDER BY conversation_id
