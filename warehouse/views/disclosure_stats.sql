-- SPEC §3: table 二's values of loaded reports.
CREATE OR REPLACE VIEW disclosure_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS item_code, c.col_key AS measure_code,
       c.value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'disclosure' AND r.status = 'loaded';

COMMENT ON VIEW disclosure_stats IS 'SPEC §3: every cell of table 二 (proactive disclosure) of loaded reports';
COMMENT ON COLUMN disclosure_stats.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN disclosure_stats.agency_id IS 'the body''s stable id across the names its reports print (nianbao/identity.py)';
COMMENT ON COLUMN disclosure_stats.agency IS 'the body''s name as this report prints it';
COMMENT ON COLUMN disclosure_stats.year IS 'the year the report covers';
COMMENT ON COLUMN disclosure_stats.item_code IS 'table 二''s item (form_codes: code_kind ''item'')';
COMMENT ON COLUMN disclosure_stats.measure_code IS 'table 二''s measure (form_codes: code_kind ''measure'')';
COMMENT ON COLUMN disclosure_stats.value IS 'the value as printed (NULL: printed but not read, a failed check names it)';
COMMENT ON COLUMN disclosure_stats.raw IS 'the cell''s text as read';
COMMENT ON COLUMN disclosure_stats.page IS 'the page (1-based) the value was read on';
