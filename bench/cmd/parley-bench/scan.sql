-- scan.sql — the build's floor: DuckDB reading every lake column `parley build`
-- reads (sql/build/100_events.sql), once, and nothing else.
--
-- Each column feeds a cheap aggregate, so DuckDB must decode every value but
-- materialises nothing: no join, no window, no sort, no table written. The
-- build can never be faster than this scan; `make bench` reports how many
-- times slower it is.
--
-- Parameters: $1 the lake glob (events/date=*/*.parquet).
SELECT
    count(*)                               AS rows,
    count(DISTINCT filename)               AS files,
    max(file_row_number)                   AS max_row,
    max(event_id)                          AS event_id,
    max(conversation_id)                   AS conversation_id,
    max(type)                              AS type,
    max(occurred_at)                       AS occurred_at,
    sum(occurred_offset_s)                 AS occurred_offset_s,
    max(channel)                           AS channel,
    max(actor_role)                        AS actor_role,
    max(actor_id)                          AS actor_id,
    max(queue)                             AS queue,
    sum(length(message_text))              AS message_text,
    count_if(message_private)              AS message_private,
    count_if(message_automated)            AS message_automated,
    max(to_role)                           AS to_role,
    max(to_id)                             AS to_id,
    max(to_queue)                          AS to_queue,
    sum(csat_score)                        AS csat_score,
    sum(cardinality(attributes))           AS attributes,
    sum(length(extra))                     AS extra,
    max(source)                            AS source,
    sum("partition")                       AS "partition",
    sum("offset")                          AS "offset",
    max(ingested_at)                       AS ingested_at
FROM read_parquet($1, hive_partitioning = true, union_by_name = true, filename = true, file_row_number = true);
