-- The result of a user's query to a CSV file with a header (parley sql --out F --format csv).
-- The query replaces the marker below (on its own line, so a trailing -- comment in it is harmless); parameter $1 is the output path.
COPY (
/*query*/
) TO $1 (FORMAT csv, HEADER);
