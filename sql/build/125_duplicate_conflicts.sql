-- 125_duplicate_conflicts.sql — table `duplicate_conflicts`: one row per
-- copy of an event that 120_events.sql dropped and whose content differs
-- from the copy it kept.
--
-- Reads the copies numbered in build_copies (copy 1 is the kept one) from
-- lake_scope, in the shape of `events` (lake_events, from 120). Only the
-- files holding a copy are opened: duplicates are rare, and a lake without
-- any is not read again at all. In an incremental build the copies are the
-- new files' and the kept copy of the same events, which 110_affected.sql
-- brought into the scope; the rows for the copies dropped by earlier builds
-- stay, since the kept copy stays (stmt/lost_kept.sql).
--
-- Content is every field of the event contract: conversation_id, type,
-- occurred_at (the instant) and occurred_offset_s, channel, actor_role,
-- actor_id, queue, message_text, message_private, message_automated,
-- to_role, to_id, to_queue, csat_score, attributes (as a set of key/value
-- pairs, in any order; none and empty are the same) and extra (the unknown
-- fields' JSON text). Where and when a copy was delivered (source,
-- partition, offset, ingested_at) is not content: a producer retry or a
-- re-import of the same event is an identical copy, not a conflict.
-- differing_fields lists the fields that differ, in that order.
--
-- Reads the variable build_lake_files (stmt/lake_files.sql); no parameters.
SET VARIABLE build_copy_files = (SELECT coalesce(list(DISTINCT lake_file), []) FROM build_copies);

CREATE OR REPLACE TEMP TABLE build_copy_rows AS
SELECT
    c.copy,
    r.* EXCLUDE (occurred_instant, file_index, file_row_number),
    -- attributes as a set, comparable whatever order the producer wrote
    -- the keys in; NULL for none
    CASE WHEN cardinality(r.attributes) > 0 THEN list_sort(map_entries(r.attributes)) END AS attribute_set
FROM lake_events(getvariable('build_lake_files')) r
JOIN build_copies c ON c.lake_file = r.file_index AND c.lake_row = r.file_row_number
WHERE list_contains(getvariable('build_copy_files'), r.file_index);

INSERT INTO duplicate_conflicts BY NAME
SELECT *
FROM (
    SELECT
        d.event_id,
        list_filter([
            CASE WHEN k.conversation_id   IS DISTINCT FROM d.conversation_id   THEN 'conversation_id'   END,
            CASE WHEN k.type              IS DISTINCT FROM d.type              THEN 'type'              END,
            CASE WHEN k.occurred_at       IS DISTINCT FROM d.occurred_at       THEN 'occurred_at'       END,
            CASE WHEN k.occurred_offset_s IS DISTINCT FROM d.occurred_offset_s THEN 'occurred_offset_s' END,
            CASE WHEN k.channel           IS DISTINCT FROM d.channel           THEN 'channel'           END,
            CASE WHEN k.actor_role        IS DISTINCT FROM d.actor_role        THEN 'actor_role'        END,
            CASE WHEN k.actor_id          IS DISTINCT FROM d.actor_id          THEN 'actor_id'          END,
            CASE WHEN k.queue             IS DISTINCT FROM d.queue             THEN 'queue'             END,
            CASE WHEN k.message_text      IS DISTINCT FROM d.message_text      THEN 'message_text'      END,
            CASE WHEN k.message_private   IS DISTINCT FROM d.message_private   THEN 'message_private'   END,
            CASE WHEN k.message_automated IS DISTINCT FROM d.message_automated THEN 'message_automated' END,
            CASE WHEN k.to_role           IS DISTINCT FROM d.to_role           THEN 'to_role'           END,
            CASE WHEN k.to_id             IS DISTINCT FROM d.to_id             THEN 'to_id'             END,
            CASE WHEN k.to_queue          IS DISTINCT FROM d.to_queue          THEN 'to_queue'          END,
            CASE WHEN k.csat_score        IS DISTINCT FROM d.csat_score        THEN 'csat_score'        END,
            CASE WHEN k.attribute_set     IS DISTINCT FROM d.attribute_set     THEN 'attributes'        END,
            CASE WHEN k.extra             IS DISTINCT FROM d.extra             THEN 'extra'             END
        ], f -> f IS NOT NULL) AS differing_fields,
        k.conversation_id AS kept_conversation_id,
        k.occurred_at     AS kept_occurred_at,
        k.source          AS kept_source,
        k."partition"     AS kept_partition,
        k."offset"        AS kept_offset,
        k.ingested_at     AS kept_ingested_at,
        d.conversation_id AS dropped_conversation_id,
        d.occurred_at     AS dropped_occurred_at,
        d.source          AS dropped_source,
        d."partition"     AS dropped_partition,
        d."offset"        AS dropped_offset,
        d.ingested_at     AS dropped_ingested_at
    FROM build_copy_rows d
    JOIN build_copy_rows k ON k.event_id = d.event_id AND k.copy = 1
    WHERE d.copy > 1
)
WHERE len(differing_fields) > 0;

DROP TABLE build_copy_rows;
DROP TABLE build_copies;
