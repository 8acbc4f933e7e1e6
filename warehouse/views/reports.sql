-- SPEC §3: one row per report file, loaded or quarantined, under its body's agency_id
-- (nianbao/identity.py); fetched_from: where the bytes came from after a redirect on the host.
CREATE OR REPLACE VIEW reports AS
SELECT report_id, agency_id, agency, year, source_url, sha256, status, reason, fetched_at,
       pages, form_rows, method, loaded_at, coalesce(fetched_from, source_url) AS fetched_from
FROM report_files;

COMMENT ON VIEW reports IS 'SPEC §3: one row per report file seen: loaded, superseded or quarantined';
COMMENT ON COLUMN reports.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN reports.agency_id IS 'the body''s stable id across the names its reports print (nianbao/identity.py)';
COMMENT ON COLUMN reports.agency IS 'the body''s name as this report prints it';
COMMENT ON COLUMN reports.year IS 'the year the report covers';
COMMENT ON COLUMN reports.source_url IS 'the URL of the file or page that was read';
COMMENT ON COLUMN reports.sha256 IS 'the file''s sha256 (a page''s: of its content)';
COMMENT ON COLUMN reports.status IS 'loaded, superseded (a newer file for the same body and year) or quarantined';
COMMENT ON COLUMN reports.reason IS 'why a quarantined file could not be read';
COMMENT ON COLUMN reports.fetched_at IS 'when the file was downloaded';
COMMENT ON COLUMN reports.pages IS 'the file''s page count';
COMMENT ON COLUMN reports.form_rows IS 'table 三''s rows as printed: 25 (2021 form) or 23 (（六） as one row)';
COMMENT ON COLUMN reports.method IS 'how it was read: lattice, stream, position, html, docx, ocr (ofd- before it: drawn from an OFD)';
COMMENT ON COLUMN reports.loaded_at IS 'when it was loaded';
COMMENT ON COLUMN reports.fetched_from IS 'where the bytes came from (a redirect on the portal''s host), else source_url';
