-- checks/invariants.sql — properties every Parley warehouse must have, whatever the data.
--
-- Each check is one query counting the rows that break it; all must return 0.
-- metrics/invariants_test.go runs them on a simulated operation; run them on
-- your own warehouse after a build, all at once as a script
-- (parley sql --db FILE --format csv -f sql/build/checks/invariants.sql) or one at a time.
-- Each starts with a "check:" comment line naming it, and its one value is
-- named the same, so `parley sql -f` says which check a non-zero count is.

-- check: one row per event_id
SELECT (SELECT count(*) - count(DISTINCT event_id) FROM events) AS "one row per event_id";

-- check: seq is 1..n per conversation
SELECT (SELECT count(*) FROM (SELECT conversation_id FROM events GROUP BY 1 HAVING max(seq) <> count(*) OR min(seq) <> 1)) AS "seq is 1..n per conversation";

-- check: episodes = reopens + 1
SELECT (SELECT count(*) FROM conversations c JOIN (SELECT conversation_id, count(*) AS n FROM episodes GROUP BY 1) e USING (conversation_id) WHERE e.n <> c.reopens + 1) AS "episodes = reopens + 1";

-- check: kpi_daily reconciles
SELECT (SELECT abs((SELECT sum(conversations) FROM kpi_daily) - (SELECT count(*) FROM conversations))) AS "kpi_daily reconciles";

-- check: kpi_daily escalations reconcile
SELECT (SELECT abs((SELECT sum(escalations) FROM kpi_daily) - (SELECT count(*) FROM escalations))) AS "kpi_daily escalations reconcile";

-- check: agent_daily reconciles
SELECT (SELECT abs((SELECT sum(conversations) FROM agent_daily) - (SELECT count(most_active_agent_id) FROM conversations))) AS "agent_daily reconciles";

-- check: bot outcomes partition bot_handled
SELECT (SELECT count(*) FROM conversations WHERE bot_handled <> (bot_contained::INT + bot_handed_off::INT + bot_abandoned::INT = 1) OR (NOT bot_handled AND (bot_contained OR bot_handed_off OR bot_abandoned))) AS "bot outcomes partition bot_handled";

-- check: bot replies never shorten the human first response
SELECT (SELECT count(*) FROM conversations WHERE first_response_any_s > first_response_s OR first_response_s < 0) AS "bot replies never shorten the human first response";

-- check: business time never exceeds calendar time
SELECT (SELECT count(*) FROM conversations WHERE first_response_business_s > first_response_s OR resolution_business_s > resolution_s OR first_response_business_s < 0 OR resolution_business_s < 0) AS "business time never exceeds calendar time";

-- check: resolution after first resolution
SELECT (SELECT count(*) FROM conversations WHERE resolution_s < first_resolution_s OR (resolved AND resolution_s IS NULL)) AS "resolution after first resolution";

-- check: fcr implies resolved, no reopen, no repeat
SELECT (SELECT count(*) FROM conversations WHERE fcr AND (NOT resolved OR reopens > 0 OR repeat_contact)) AS "fcr implies resolved, no reopen, no repeat";

-- check: friction in range
SELECT (SELECT count(*) FROM conversations WHERE NOT (friction_score BETWEEN 0 AND 100) OR NOT (friction_time BETWEEN 0 AND 1) OR NOT (friction_effort BETWEEN 0 AND 1) OR NOT (friction_impersonal BETWEEN 0 AND 1) OR NOT (friction_directness BETWEEN 0 AND 1)) AS "friction in range";

-- check: message counts match messages
SELECT (SELECT count(*) FROM conversations c LEFT JOIN (SELECT conversation_id, count(*) FILTER (WHERE sender_role = 'customer') AS n FROM messages GROUP BY 1) m USING (conversation_id) WHERE coalesce(m.n, 0) <> c.customer_messages) AS "message counts match messages";

-- check: escalation counts match escalations
SELECT (SELECT count(*) FROM conversations c LEFT JOIN (SELECT conversation_id, count(*) AS n FROM escalations GROUP BY 1) e USING (conversation_id) WHERE coalesce(e.n, 0) <> c.escalations) AS "escalation counts match escalations";

-- check: abandoned conversations are complete and unresolved
SELECT (SELECT count(*) FROM conversations WHERE abandoned AND (resolved OR NOT complete)) AS "abandoned conversations are complete and unresolved";

-- check: who held the clock: waits are non-negative and fit in the conversation
SELECT (SELECT count(*) FROM conversations WHERE waiting_on_agent_s < 0 OR waiting_on_customer_s < 0 OR agent_handle_s < 0 OR nudges < 0 OR window_breaches < 0 OR waiting_on_agent_s + waiting_on_customer_s > date_diff('microsecond', started_at, ended_at) / 1e6 + 1e-6) AS "who held the clock: waits are non-negative and fit in the conversation";

-- check: resolution_split parts are non-negative and sum to resolution_s
SELECT (SELECT count(*) FROM resolution_split WHERE business_s < 0 OR customer_s < 0 OR other_s < -1e-6) AS "resolution_split parts are non-negative and sum to resolution_s";

-- check: kpi_daily waiting totals and breaches reconcile
SELECT (SELECT count(*) FROM (SELECT sum(waiting_on_agent_s) AS a, sum(window_breaches) AS b, sum(nudges) AS n FROM kpi_daily) k, (SELECT sum(waiting_on_agent_s) AS a, coalesce(sum(window_breaches), 0) AS b, sum(nudges) AS n FROM conversations) c WHERE abs(k.a - c.a) > 1e-3 OR k.b <> c.b OR k.n <> c.n) AS "kpi_daily waiting totals and breaches reconcile";
