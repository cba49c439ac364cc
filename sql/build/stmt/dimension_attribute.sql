-- One row of dimension_attributes. Parameters: $1 dimension name, $2 event attribute, $3 transform ('' or 'region').
INSERT INTO dimension_attributes VALUES ($1, $2, $3);
