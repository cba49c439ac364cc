-- 246_qa_quality.sql — views `qa_agent_weekly` (agents' quality by ISO week) and
-- `qa_calibration` (reviewer agreement on calibration conversations, Krippendorff's alpha),
-- from `qa_reviews` and `qa_ratings` (245). Columns and formulas: docs/metrics.md.
-- Sums are exact (sum_exact), so the views give the same bits whatever order DuckDB adds in.

-- qa_agent_weekly: per reviewed agent and ISO week (Monday first) of the reviews' local_date,
-- every final review but calibration ones (those measure reviewers, not agents).
-- mean_score averages the reviews that have a score; category_means maps each category to the
-- mean of its ratings scaled to 0-100 (N/A left out).
CREATE OR REPLACE VIEW qa_agent_weekly AS
WITH r AS (
    SELECT *, CAST(date_trunc('week', local_date) AS DATE) AS week
    FROM qa_reviews
    WHERE NOT calibration AND agent_id IS NOT NULL
), categories AS (
    SELECT
        agent_id,
        week,
        map(list(category ORDER BY category), list(mean ORDER BY category)) AS category_means
    FROM (
        SELECT r.agent_id, r.week, q.category,
            100 * sum_exact((q.rating - q.scale_min) / (q.scale_max - q.scale_min)) / count(*) AS mean
        FROM r
        JOIN qa_ratings AS q USING (review_id)
        WHERE NOT q.na
        GROUP BY r.agent_id, r.week, q.category
    )
    GROUP BY agent_id, week
)
SELECT
    r.agent_id,
    r.week,
    strftime(r.week, '%G-W%V') AS iso_week,
    count(*) AS reviews,
    sum_exact(r.score) / count(r.score) AS mean_score,
    count(*) FILTER (WHERE r.critical_failed) AS critical_fails,
    count(*) FILTER (WHERE r.critical_failed) / count(*) AS critical_fail_rate,
    any_value(c.category_means) AS category_means
FROM r
LEFT JOIN categories AS c USING (agent_id, week)
GROUP BY r.agent_id, r.week;

-- qa_calibration: per run, scorecard, category and reviewer who rated it on a calibration
-- conversation of the run. The run-level columns (level, reviewers, items, alpha, mean_spread)
-- repeat on every reviewer's row; reviewer_items and mean_deviation are the reviewer's own.
--
-- Values: each reviewer's rating of a category on a calibration conversation (the item),
-- scaled to 0-1; N/A is a missing value. Only items with at least two values are pairable.
-- Krippendorff's alpha = 1 - (n - 1) × Σ_u D_u / (m_u - 1) / D, with n the pairable values,
-- m_u the values of item u, D_u the sum of δ over the ordered pairs of values within u and D
-- over all ordered pairs of pairable values; δ is (a - b)² (interval, scales 1-3 to 1-5) or
-- [a ≠ b] (nominal, binary). In closed form, with S1 = Σx, S2 = Σx² and k_c the count of
-- value c: interval D = 2·n·S2 - 2·S1², nominal D = n² - Σ k_c² (the same within an item).
-- NULL when there is nothing to compare (no pairable item) or every value is the same.
CREATE OR REPLACE VIEW qa_calibration AS
WITH v AS (
    -- One value per reviewer and item: a reviewer's latest review of it.
    SELECT
        r.run, r.scorecard, q.category, r.conversation_id AS item, r.reviewer_id,
        arg_max((q.rating - q.scale_min) / (q.scale_max - q.scale_min), r.reviewed_at) AS x,
        bool_and(q.scale_max - q.scale_min = 1) AS is_binary
    FROM qa_reviews AS r
    JOIN qa_ratings AS q USING (review_id)
    WHERE r.calibration AND NOT q.na AND r.reviewer_id IS NOT NULL
    GROUP BY r.run, r.scorecard, q.category, r.conversation_id, r.reviewer_id
), units AS (
    SELECT run, scorecard, category, item,
        count(*) AS m, sum_exact(x) AS s1, sum_exact(x * x) AS s2,
        max(x) - min(x) AS spread
    FROM v
    GROUP BY run, scorecard, category, item
    HAVING count(*) >= 2
), unit_counts AS (
    -- Σ over the values c of an item of (its count of c)².
    SELECT run, scorecard, category, item, sum(k * k) AS kk
    FROM (SELECT run, scorecard, category, item, x, count(*) AS k FROM v GROUP BY ALL)
    GROUP BY run, scorecard, category, item
), category_counts AS (
    -- Σ over the values c of (the count of c among the pairable values)².
    SELECT run, scorecard, category, sum(k * k) AS kk
    FROM (
        SELECT run, scorecard, category, x, count(*) AS k
        FROM v SEMI JOIN units USING (run, scorecard, category, item)
        GROUP BY ALL
    )
    GROUP BY run, scorecard, category
), pairable AS (
    SELECT
        u.run, u.scorecard, u.category,
        sum(u.m) AS n,
        count(*) AS items,
        sum_exact(u.s1) AS s1,
        sum_exact(u.s2) AS s2,
        sum_exact((2 * u.m * u.s2 - 2 * u.s1 * u.s1) / (u.m - 1)) AS within_interval,
        sum_exact((u.m * u.m - c.kk) / (u.m - 1)) AS within_nominal,
        100 * sum_exact(u.spread) / count(*) AS mean_spread
    FROM units AS u
    JOIN unit_counts AS c USING (run, scorecard, category, item)
    GROUP BY u.run, u.scorecard, u.category
), categories AS (
    SELECT run, scorecard, category,
        CASE WHEN bool_and(is_binary) THEN 'nominal' ELSE 'interval' END AS level,
        count(DISTINCT reviewer_id) AS reviewers
    FROM v
    GROUP BY run, scorecard, category
), deviations AS (
    -- A reviewer's value minus the mean of the other reviewers' values on the same item.
    SELECT v.run, v.scorecard, v.category, v.reviewer_id,
        count(*) AS reviewer_items,
        100 * sum_exact(v.x - (u.s1 - v.x) / (u.m - 1)) / count(*) AS mean_deviation
    FROM v
    JOIN units AS u USING (run, scorecard, category, item)
    GROUP BY v.run, v.scorecard, v.category, v.reviewer_id
)
SELECT
    g.run,
    g.scorecard,
    g.category,
    g.level,
    g.reviewers,
    coalesce(p.items, 0) AS items,
    CASE g.level
        WHEN 'nominal' THEN 1 - (p.n - 1) * p.within_nominal / nullif(p.n * p.n - cc.kk, 0)
        ELSE 1 - (p.n - 1) * p.within_interval / nullif(2 * p.n * p.s2 - 2 * p.s1 * p.s1, 0)
    END AS alpha,
    p.mean_spread,
    r.reviewer_id,
    coalesce(d.reviewer_items, 0) AS reviewer_items,
    d.mean_deviation
FROM categories AS g
JOIN (SELECT DISTINCT run, scorecard, category, reviewer_id FROM v) AS r USING (run, scorecard, category)
LEFT JOIN pairable AS p USING (run, scorecard, category)
LEFT JOIN category_counts AS cc USING (run, scorecard, category)
LEFT JOIN deviations AS d USING (run, scorecard, category, reviewer_id);
