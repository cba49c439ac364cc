-- 200_settings.sql — table `build_settings`: the parley.yaml values the metric SQL reads.
--
-- One row, written from the validated configuration as bound parameters so
-- that the files after this one can join to it instead of hard-coding values.
-- Durations are seconds.
--
-- Parameters: $1 timezone, $2 windows.repeat_contact, $3 windows.escalation_effective,
-- $4 windows.reopen, $5 windows.idle_complete, $6..$9 friction.weights
-- (time, impersonal, directness, effort).
CREATE OR REPLACE TABLE build_settings AS
SELECT
    $1::VARCHAR AS timezone,
    $2::DOUBLE  AS repeat_contact_s,
    $3::DOUBLE  AS escalation_effective_s,
    $4::DOUBLE  AS reopen_s,
    $5::DOUBLE  AS idle_complete_s,
    $6::DOUBLE  AS weight_time,
    $7::DOUBLE  AS weight_impersonal,
    $8::DOUBLE  AS weight_directness,
    $9::DOUBLE  AS weight_effort;
