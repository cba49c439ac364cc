-- 201_reference.sql — per-channel and per-queue reference tables, and the helper macros
-- that hold the definitions every later file shares (docs/metrics.md, "Roles and words used below").
--
-- sla_targets (channel → first-response target) and reply_windows (channel →
-- reply window) come from parley.yaml; business_open holds each queue's open
-- intervals in UTC, expanded from its weekly schedule by the build (see
-- docs/metrics.md, "Business hours"). The queue '' stands for "no queue" and
-- every queue without a schedule of its own. queue_hours says which queues are
-- open around the clock, so their business time is simply calendar time and
-- needs no interval lookup. open_before_us is the open time (microseconds)
-- of the queue before the interval starts, so the open time between two
-- instants is a difference of two lookups (see 240_conversations.sql).
CREATE OR REPLACE TABLE sla_targets (
    channel          VARCHAR PRIMARY KEY,
    first_response_s DOUBLE NOT NULL,
    goal             DOUBLE NOT NULL
);

CREATE OR REPLACE TABLE reply_windows (
    channel  VARCHAR PRIMARY KEY,
    window_s DOUBLE NOT NULL
);

CREATE OR REPLACE TABLE queue_hours (
    queue       VARCHAR PRIMARY KEY,
    always_open BOOLEAN NOT NULL
);

CREATE OR REPLACE TABLE business_open (
    queue         VARCHAR   NOT NULL,
    open_at       TIMESTAMP NOT NULL,
    close_at      TIMESTAMP NOT NULL,
    open_before_us BIGINT   NOT NULL
);

-- secs(a, b): seconds from timestamp a to timestamp b, to the microsecond.
CREATE OR REPLACE MACRO secs(a, b) AS date_diff('microsecond', a, b) / 1e6;

-- us(a, b): whole microseconds from a to b, for sums that must be exact
-- (floating-point sums depend on the order of their terms).
CREATE OR REPLACE MACRO us(a, b) AS date_diff('microsecond', a, b);

-- Sums a rollup can reproduce bit for bit: floating-point sums depend on the
-- order of their terms, which a parallel aggregate does not fix. Durations
-- are summed in whole microseconds, scores in DECIMAL(38, 12): both exact.
CREATE OR REPLACE MACRO sum_seconds(x) AS sum(round(x * 1e6)::BIGINT) / 1e6;
CREATE OR REPLACE MACRO sum_exact(x) AS sum(x::DECIMAL(38, 12))::DOUBLE;

-- sat(x, h): a saturating curve, 0 at x = 0, 1/2 at x = h, towards 1 as x grows.
CREATE OR REPLACE MACRO sat(x, h) AS coalesce(x, 0) / (coalesce(x, 0) + h);

-- The words of docs/metrics.md, each defined here once and used by 210-240
-- (and by sql/forecast through the columns they produce).

-- A human reply: a public, non-automated message by an agent.
CREATE OR REPLACE MACRO is_human_reply(type, actor_role, private, automated) AS
    type = 'message' AND actor_role = 'agent'
    AND NOT coalesce(private, false) AND NOT coalesce(automated, false);

-- Any reply: a public message by an agent or a bot, automated or not.
CREATE OR REPLACE MACRO is_any_reply(type, actor_role, private) AS
    type = 'message' AND actor_role IN ('agent', 'bot') AND NOT coalesce(private, false);

-- A bot reply: a public message by a bot (whether a bot has replied decides
-- bot handling and bot escalations).
CREATE OR REPLACE MACRO is_bot_reply(type, actor_role, private) AS
    type = 'message' AND actor_role = 'bot' AND NOT coalesce(private, false);

-- A routing event moves the conversation, to to.queue when it names one.
CREATE OR REPLACE MACRO is_routing(type) AS type IN ('assigned', 'escalated', 'transferred');

-- The current queue an event names: to.queue for a routing event that
-- carries one, else the event's own queue (NULL when it names none).
CREATE OR REPLACE MACRO event_queue(type, to_queue, queue) AS
    CASE WHEN is_routing(type) AND to_queue IS NOT NULL THEN to_queue ELSE queue END;

-- A status event: it ends a customer burst and stops the clock.
CREATE OR REPLACE MACRO is_status(type) AS type IN ('resolved', 'reopened');

-- A conversation's channel: its first non-empty channel, or 'unknown' (the
-- channel is optional in the event contract).
CREATE OR REPLACE MACRO conversation_channel(first_channel) AS coalesce(first_channel, 'unknown');


-- Who a clock event makes wait (docs/metrics.md, "Who holds the clock"): a
-- customer message puts the business on the clock ('agent': the customer
-- waits on the business), any reply hands it to the customer ('customer'),
-- a status event stops it ('none'). Every other event is no clock event
-- (NULL): private notes, system messages, routing events, CSAT.
CREATE OR REPLACE MACRO clock_waits_on(type, actor_role, private) AS
    CASE WHEN is_status(type) THEN 'none'
         WHEN type = 'message' AND actor_role = 'customer' THEN 'agent'
         WHEN is_any_reply(type, actor_role, private) THEN 'customer' END;
