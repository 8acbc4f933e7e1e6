-- Provenance of every loaded value: which ruled table (piece) it came from, how it was read,
-- and camelot's parsing report for that table.
ALTER TABLE report_cells ADD COLUMN piece INTEGER;
ALTER TABLE report_cells ADD COLUMN reading VARCHAR;     -- 'agree' | 'camelot-differs' | 'ambiguous'
ALTER TABLE report_cells ADD COLUMN second_raw VARCHAR;  -- camelot's own text for the cell

CREATE TABLE table_pieces (
    report_id   VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,
    page        INTEGER NOT NULL,
    piece       INTEGER NOT NULL,
    method      VARCHAR NOT NULL,
    accuracy    DOUBLE,
    whitespace  DOUBLE,
    confidence  DOUBLE,
    PRIMARY KEY (report_id, page, piece)
);

CREATE VIEW cell_provenance AS
SELECT c.report_id, r.sha256, r.agency, r.year, c.table_name, c.row_key, c.col_key, c.value,
       c.raw, c.second_raw, c.reading, c.page, c.piece, p.method, p.accuracy, p.whitespace,
       p.confidence
FROM report_cells c
JOIN report_files r USING (report_id)
LEFT JOIN table_pieces p ON p.report_id = c.report_id AND p.page = c.page AND p.piece = c.piece;
