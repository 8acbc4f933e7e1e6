-- Provenance of every loaded value: which ruled table (piece) it came from, how it was
-- read, and the reader's report on that table.
CREATE OR REPLACE VIEW cell_provenance AS
SELECT c.report_id, r.sha256, r.agency, r.year, c.table_name, c.row_key, c.col_key, c.value,
       c.raw, c.second_raw, c.reading, c.page, c.piece, p.method, p.accuracy, p.whitespace,
       p.confidence
FROM report_cells c
JOIN report_files r USING (report_id)
LEFT JOIN table_pieces p ON p.report_id = c.report_id AND p.page = c.page AND p.piece = c.piece;

COMMENT ON VIEW cell_provenance IS 'every loaded value''s provenance: its piece, how it was read, both readings';
COMMENT ON COLUMN cell_provenance.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN cell_provenance.sha256 IS 'the file''s sha256 (a page''s: of its content)';
COMMENT ON COLUMN cell_provenance.agency IS 'the body''s name as this report prints it';
COMMENT ON COLUMN cell_provenance.year IS 'the year the report covers';
COMMENT ON COLUMN cell_provenance.table_name IS 'disclosure (二), application (三) or review (四)';
COMMENT ON COLUMN cell_provenance.row_key IS 'the cell''s row code';
COMMENT ON COLUMN cell_provenance.col_key IS 'the cell''s column code';
COMMENT ON COLUMN cell_provenance.value IS 'the value as printed (NULL: printed but not read, a failed check names it)';
COMMENT ON COLUMN cell_provenance.raw IS 'the cell''s text as read';
COMMENT ON COLUMN cell_provenance.second_raw IS 'the second reading''s text of the cell';
COMMENT ON COLUMN cell_provenance.reading IS 'whether the two readings agreed';
COMMENT ON COLUMN cell_provenance.page IS 'the page (1-based) the value was read on';
COMMENT ON COLUMN cell_provenance.piece IS 'which table piece on the page';
COMMENT ON COLUMN cell_provenance.method IS 'how it was read: lattice, stream, position, html, docx, ocr (ofd- before it: drawn from an OFD)';
COMMENT ON COLUMN cell_provenance.accuracy IS 'camelot''s accuracy for the piece';
COMMENT ON COLUMN cell_provenance.whitespace IS 'camelot''s whitespace share for the piece';
COMMENT ON COLUMN cell_provenance.confidence IS 'OCR confidence for the piece';
