-- SPEC §3: every check (R1–R8) of every run.
CREATE OR REPLACE VIEW dq_results AS
SELECT run_id, report_id, check_id, success, severity, details, checked_at
FROM dq_checks;

COMMENT ON VIEW dq_results IS 'SPEC §3: every check (R1–R8) of every run';
COMMENT ON COLUMN dq_results.run_id IS 'the run';
COMMENT ON COLUMN dq_results.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN dq_results.check_id IS 'R1–R8 (SPEC §2)';
COMMENT ON COLUMN dq_results.success IS 'whether the check held';
COMMENT ON COLUMN dq_results.severity IS 'error or warning';
COMMENT ON COLUMN dq_results.details IS 'JSON: the cells, printed vs expected values';
COMMENT ON COLUMN dq_results.checked_at IS 'when it was checked';
