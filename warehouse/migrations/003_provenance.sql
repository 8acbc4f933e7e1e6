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
