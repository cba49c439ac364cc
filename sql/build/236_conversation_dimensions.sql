-- 236_conversation_dimensions.sql — temp table conversation_dimensions_delta: each
-- conversation's dimensions (contact_reason, market, tier and the dimensions map), which 240
-- adds to its row.
--
-- From scope_conv_events, first_dimension_values and contact_reason_matches (235 and the
-- rule matching after it). Defined in docs/metrics.md, "Dimensions" and "Contact reasons":
--   - a dimension's value is its attribute on the conversation's first event (by seq) whose
--     attributes hold it with a non-empty value, read as dimension_attributes.transform says
--     (a locale without a region gives no value, even if a later event's has one);
--   - contact_reason is that of the contact_reason dimension when the conversation has one,
--     else the reason of the first rule (by rank) that matched the customer's first
--     messages, else 'other'.
CREATE OR REPLACE TEMP TABLE conversation_dimensions_delta AS
WITH found AS (
    SELECT conversation_id, name, CASE WHEN transform = 'region' THEN locale_region(raw) ELSE raw END AS value
    FROM first_dimension_values
),
dims AS (
    SELECT
        conversation_id,
        -- Entries in name order. list_sort of the structs, not list(... ORDER BY name): an
        -- ordered aggregate sorts each group apart, 0.4 of this file's 0.6 CPU-s on the demo;
        -- a conversation has each name once, so the structs sort by name alone.
        map_from_entries(list_sort(list({'key': name, 'value': value}) FILTER (WHERE value IS NOT NULL))) AS dimensions
    FROM found
    GROUP BY conversation_id
),
matched AS (
    SELECT m.conversation_id, arg_min(r.reason, r.rank) AS reason
    FROM contact_reason_matches m
    JOIN contact_reason_rules r USING (rank)
    GROUP BY m.conversation_id
)
SELECT
    c.conversation_id,
    coalesce(d.dimensions['contact_reason'], m.reason, 'other') AS contact_reason,
    d.dimensions['market'] AS market,
    d.dimensions['tier'] AS tier,
    coalesce(d.dimensions, MAP {}::MAP(VARCHAR, VARCHAR)) AS dimensions
FROM (SELECT DISTINCT conversation_id FROM scope_conv_events) c
LEFT JOIN dims d USING (conversation_id)
LEFT JOIN matched m USING (conversation_id);
