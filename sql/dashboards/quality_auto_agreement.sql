-- quality_auto_agreement.sql — the agreement table of the Quality page: each automatic check
-- mapped to a scorecard category against the human reviewers who rated that category, on
-- every conversation both judged (all reviews to date, not only the period's: the pairs are
-- few), in the checks' configured order. Reads: auto_qa_agreement (its definition, Cohen's
-- kappa included, is in sql/build/247_auto_qa.sql and docs/metrics.md), auto_qa_checks.
-- Params: none.
SELECT
    g."check",
    g.category,
    n, tp, fp, fn, tn,
    round(agreement, 3)::DOUBLE AS agreement,
    round("precision", 3)::DOUBLE AS "precision",
    round(recall, 3)::DOUBLE AS recall,
    round(kappa, 3)::DOUBLE AS kappa
FROM auto_qa_agreement AS g
JOIN auto_qa_checks AS k USING ("check")
ORDER BY k.position
