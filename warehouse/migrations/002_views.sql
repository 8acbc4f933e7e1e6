-- SPEC §3: the stable interface analysts query.
CREATE VIEW reports AS
SELECT report_id, agency, year, source_url, sha256, status, reason, fetched_at,
       pages, form_rows, method, loaded_at
FROM report_files;

CREATE VIEW application_stats AS
SELECT c.report_id, r.agency, r.year, c.row_code, c.applicant_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM (SELECT report_id, row_key AS row_code, col_key AS applicant_code, value, raw, page
      FROM report_cells WHERE table_name = 'application') c
JOIN report_files r USING (report_id)
WHERE r.status = 'loaded';

CREATE VIEW review_stats AS
SELECT c.report_id, r.agency, r.year, c.row_key AS proceeding_code, c.col_key AS outcome_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'review' AND r.status = 'loaded';

CREATE VIEW disclosure_stats AS
SELECT c.report_id, r.agency, r.year, c.row_key AS item_code, c.col_key AS measure_code,
       c.value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'disclosure' AND r.status = 'loaded';

CREATE VIEW dq_results AS
SELECT run_id, report_id, check_id, success, severity, details, checked_at
FROM dq_checks;
