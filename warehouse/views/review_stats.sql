-- SPEC §3: table 四's values of loaded reports.
CREATE OR REPLACE VIEW review_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS proceeding_code, c.col_key AS outcome_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'review' AND r.status = 'loaded';

COMMENT ON VIEW review_stats IS 'SPEC §3: every cell of table 四 (reconsideration and litigation) of loaded reports';
COMMENT ON COLUMN review_stats.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN review_stats.agency_id IS 'the body''s stable id across the names its reports print (nianbao/identity.py)';
COMMENT ON COLUMN review_stats.agency IS 'the body''s name as this report prints it';
COMMENT ON COLUMN review_stats.year IS 'the year the report covers';
COMMENT ON COLUMN review_stats.proceeding_code IS 'table 四''s proceeding (form_codes: code_kind ''proceeding'')';
COMMENT ON COLUMN review_stats.outcome_code IS 'table 四''s outcome (form_codes: code_kind ''outcome'')';
COMMENT ON COLUMN review_stats.value IS 'the value as printed (NULL: printed but not read, a failed check names it)';
COMMENT ON COLUMN review_stats.raw IS 'the cell''s text as read';
COMMENT ON COLUMN review_stats.page IS 'the page (1-based) the value was read on';
