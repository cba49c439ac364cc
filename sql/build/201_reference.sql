-- 201_reference.sql — per-channel and per-queue reference tables, and two helper macros.
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

-- sat(x, h): a saturating curve, 0 at x = 0, 1/2 at x = h, towards 1 as x grows.
CREATE OR REPLACE MACRO sat(x, h) AS coalesce(x, 0) / (coalesce(x, 0) + h);
