-- The settings the warehouse was built with (build_settings, one row), which `parley verify`
-- checks against the --config it is given before comparing anything.
SELECT timezone, repeat_contact_s, escalation_effective_s, reopen_s, idle_complete_s,
       weight_time, weight_impersonal, weight_directness, weight_effort
FROM build_settings
