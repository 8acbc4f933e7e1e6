-- Provenance of every loaded value: which ruled table (piece) it came from, how it was
-- read, and the reader's report on that table.
CREATE OR REPLACE VIEW cell_provenance AS
SELECT c.report_id, r.sha256, r.agency, r.year, c.table_name, c.row_key, c.col_key, c.value,
       c.raw, c.second_raw, c.reading, c.page, c.piece, p.method, p.accuracy, p.whitespace,
       p.confidence
FROM report_cells c
JOIN report_files r USING (report_id)
LEFT JOIN table_pieces p ON p.report_id = c.report_id AND p.page = c.page AND p.piece = c.piece;
