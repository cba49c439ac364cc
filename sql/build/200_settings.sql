-- 200_settings.sql — table `build_settings`: the parley.yaml values the metric SQL reads.
--
-- One row, written from the validated configuration as bound parameters so
-- that the files after this one can join to it instead of hard-coding values.
-- Each parameter is named after its column (build/plan.Params gives the
-- values): timezone, and windows.repeat_contact, windows.escalation_effective,
-- windows.reopen, windows.idle_complete (seconds), friction.weights (time,
-- impersonal, directness, effort).
CREATE OR REPLACE TABLE build_settings AS
SELECT
    $timezone::VARCHAR              AS timezone,
    $repeat_contact_s::DOUBLE       AS repeat_contact_s,
    $escalation_effective_s::DOUBLE AS escalation_effective_s,
    $reopen_s::DOUBLE               AS reopen_s,
    $idle_complete_s::DOUBLE        AS idle_complete_s,
    $weight_time::DOUBLE            AS weight_time,
    $weight_impersonal::DOUBLE      AS weight_impersonal,
    $weight_directness::DOUBLE      AS weight_directness,
    $weight_effort::DOUBLE          AS weight_effort;
