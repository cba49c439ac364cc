-- Scope of a full build, before 240: every conversation's escalations and
-- episodes (see stmt/scope_all_events.sql).
CREATE OR REPLACE TEMP VIEW scope_conv_escalations AS FROM escalations;
CREATE OR REPLACE TEMP VIEW scope_conv_episodes AS FROM episodes;
