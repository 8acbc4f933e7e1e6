-- SPEC §3: every check (R1–R8) of every run.
CREATE OR REPLACE VIEW dq_results AS
SELECT run_id, report_id, check_id, success, severity, details, checked_at
FROM dq_checks;
