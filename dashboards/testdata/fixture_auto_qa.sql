-- fixture_auto_qa.sql — the automatic checks' verdicts for the dashboard fixture (fixture.sql),
-- run after sql/build/247_auto_qa.sql has created auto_qa, auto_qa_checks and the views. Three
-- checks: greeting (compared with the scorecard's tone), sensitive_data (with process) and a
-- nudge check whose name is hostile text. The figures in quality_test.go are worked out by
-- hand from these rows. Verdicts (greeting, sensitive_data, nudge):
--   c1 pass pass pass   c2 fail pass fail   c3 fail fail pass   c4 fail pass pass
--   c5 na na na         c6 na na na         c7 fail fail fail   c8 pass pass pass
--   p1 fail pass pass   p2 pass pass fail   (p1, p2: the week before the period)
INSERT INTO auto_qa_checks VALUES
    ('greeting', 'greeting', 'tone', 1),
    ('sensitive_data', 'sensitive_data', 'process', 2),
    ('nudge<img src=x onerror=window.pwned=6>', 'nudge', NULL, 3);

INSERT INTO auto_qa
SELECT v.id, k."check", v.results[k.position], NULL, 'fixture'
FROM (VALUES
    ('c1', ['pass', 'pass', 'pass']),
    ('c2', ['fail', 'pass', 'fail']),
    ('c3', ['fail', 'fail', 'pass']),
    ('c4', ['fail', 'pass', 'pass']),
    ('c5', ['na', 'na', 'na']),
    ('c6', ['na', 'na', 'na']),
    ('c7"><script>window.pwned=3</script>', ['fail', 'fail', 'fail']),
    ('c8', ['pass', 'pass', 'pass']),
    ('p1', ['fail', 'pass', 'pass']),
    ('p2', ['pass', 'pass', 'fail'])
) AS v(id, results), auto_qa_checks AS k;
