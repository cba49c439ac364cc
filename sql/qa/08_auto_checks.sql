-- The automatic checks the warehouse holds verdicts of (auto_qa): every
-- check gives each conversation a verdict, so these are the checks in
-- effect at the last build. qa sample refuses an auto_fail:CHECK naming
-- none of them rather than draw that stratum empty.
SELECT DISTINCT "check"
FROM auto_qa
ORDER BY 1;
