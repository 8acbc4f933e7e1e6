-- SPEC §3: table 三's values of loaded reports.
CREATE OR REPLACE VIEW application_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS row_code, c.col_key AS applicant_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'application' AND r.status = 'loaded';
