-- SPEC §3: table 四's values of loaded reports.
CREATE OR REPLACE VIEW review_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS proceeding_code, c.col_key AS outcome_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'review' AND r.status = 'loaded';
