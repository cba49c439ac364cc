-- 202_dimensions.sql — the reference tables of dimensions, contact-reason rules and cost, and the
-- macros that read them (docs/metrics.md, "Dimensions", "Contact reasons", "Cost").
--
-- Filled by the build from parley.yaml (metrics/dimensions.go), like 201's tables:
--   dimension_attributes  one row per configured dimension: its name (a column of
--                         `conversations` for contact_reason, market and tier, else a key
--                         of conversations.dimensions), the event attribute it reads and
--                         how ('' as it is, 'region' the region of a locale tag)
--   contact_reason_rules  one row per rule of contact_reasons, in order (rank from 1): its
--                         name and one RE2 pattern standing for all its keywords and
--                         patterns (a keyword becomes "its words, whole, in a row,
--                         case-insensitive")
--   cost_settings         one row: whether any price is set, the default agent hour and the
--                         cost of a bot conversation (NULL when not set)
--   cost_queues           the agent hour of the queues that have their own
--   cost_channels         each listed channel's fee per conversation
CREATE OR REPLACE TABLE dimension_attributes (
    name      VARCHAR PRIMARY KEY,
    attribute VARCHAR NOT NULL,
    transform VARCHAR NOT NULL
);

CREATE OR REPLACE TABLE contact_reason_rules (
    rank    INTEGER PRIMARY KEY,
    reason  VARCHAR NOT NULL,
    pattern VARCHAR NOT NULL
);

CREATE OR REPLACE TABLE cost_settings (
    priced           BOOLEAN NOT NULL,
    agent_hour       DOUBLE,
    bot_conversation DOUBLE
);

CREATE OR REPLACE TABLE cost_queues (
    cost_queue VARCHAR PRIMARY KEY,
    agent_hour DOUBLE NOT NULL
);

CREATE OR REPLACE TABLE cost_channels (
    cost_channel VARCHAR PRIMARY KEY,
    fee          DOUBLE NOT NULL
);

-- locale_region(tag): the region subtag of a locale tag, upper-cased: after the language
-- (2-8 letters) and an optional script (4 letters), two letters or three digits, followed by
-- the end or by '-', '_', '.' or '@' (de-DE → DE, en_gb.UTF-8 → GB, zh-Hant-TW → TW,
-- es-419 → 419); NULL when the tag has none (en, x, 12-DE).
CREATE OR REPLACE MACRO locale_region(tag) AS
    nullif(upper(regexp_extract(tag, '^[A-Za-z]{2,8}(?:[-_][A-Za-z]{4})?[-_]([A-Za-z]{2}|[0-9]{3})(?:[-_.@]|$)', 1)), '');

-- conversation_cost(agent_handle_s, bot_handled, channel, last_queue): docs/metrics.md,
-- "Cost": agent working time × the agent hour of the conversation's last queue, plus the cost
-- of a bot conversation if the bot handled it, plus the channel's fee. NULL when no price is
-- set at all, or when the conversation needs a price that is not set (agent time without an
-- agent hour, a bot conversation without its cost); a channel without a fee charges none.
CREATE OR REPLACE MACRO conversation_cost(handle_s, bot_handled, channel, last_queue) AS
    CASE WHEN (SELECT priced FROM cost_settings) THEN
        CASE WHEN handle_s > 0
             THEN handle_s / 3600 * coalesce((SELECT agent_hour FROM cost_queues WHERE cost_queue = last_queue),
                                             (SELECT agent_hour FROM cost_settings))
             ELSE 0 END
        + CASE WHEN bot_handled THEN (SELECT bot_conversation FROM cost_settings) ELSE 0 END
        + coalesce((SELECT fee FROM cost_channels WHERE cost_channel = channel), 0)
    END;
