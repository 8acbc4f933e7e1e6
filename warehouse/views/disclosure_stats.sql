-- SPEC §3: table 二's values of loaded reports.
CREATE OR REPLACE VIEW disclosure_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS item_code, c.col_key AS measure_code,
       c.value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'disclosure' AND r.status = 'loaded';
