-- SPEC §3: table 三's values of loaded reports.
CREATE OR REPLACE VIEW application_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS row_code, c.col_key AS applicant_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'application' AND r.status = 'loaded';

COMMENT ON VIEW application_stats IS 'SPEC §3: every cell of table 三 (applications received and handled) of loaded reports';
COMMENT ON COLUMN application_stats.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN application_stats.agency_id IS 'the body''s stable id across the names its reports print (nianbao/identity.py)';
COMMENT ON COLUMN application_stats.agency IS 'the body''s name as this report prints it';
COMMENT ON COLUMN application_stats.year IS 'the year the report covers';
COMMENT ON COLUMN application_stats.row_code IS 'table 三''s row (form_codes: table_name ''application'', code_kind ''row'')';
COMMENT ON COLUMN application_stats.applicant_code IS 'table 三''s column (form_codes: code_kind ''applicant'')';
COMMENT ON COLUMN application_stats.value IS 'the value as printed (NULL: printed but not read, a failed check names it)';
COMMENT ON COLUMN application_stats.raw IS 'the cell''s text as read';
COMMENT ON COLUMN application_stats.page IS 'the page (1-based) the value was read on';
