-- Each check's latest result on each report: a later night checks again (R7 across years),
-- and what holds now is its newest row in dq_results.
CREATE OR REPLACE VIEW latest_checks AS
SELECT * FROM dq_results
QUALIFY row_number() OVER (PARTITION BY report_id, check_id ORDER BY checked_at DESC) = 1;

COMMENT ON VIEW latest_checks IS 'each check''s latest result on each report (dq_results holds every run''s)';
COMMENT ON COLUMN latest_checks.run_id IS 'the run';
COMMENT ON COLUMN latest_checks.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN latest_checks.check_id IS 'R1–R8 (SPEC §2)';
COMMENT ON COLUMN latest_checks.success IS 'whether the check held';
COMMENT ON COLUMN latest_checks.severity IS 'error or warning';
COMMENT ON COLUMN latest_checks.details IS 'JSON: the cells, printed vs expected values';
COMMENT ON COLUMN latest_checks.checked_at IS 'when it was checked';
