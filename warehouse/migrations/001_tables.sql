-- The tables beneath the SPEC §3 views. Analysts query the views; these may change.
CREATE TABLE runs (
    run_id        VARCHAR PRIMARY KEY,
    source        VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    outcome       VARCHAR,          -- 'ok' | 'failed'
    files_found   INTEGER,
    loaded        INTEGER,
    unchanged     INTEGER,
    quarantined   INTEGER,
    failed_checks INTEGER,
    message       VARCHAR
);

CREATE TABLE report_files (
    report_id   VARCHAR PRIMARY KEY,     -- first 16 hex digits of sha256 (or of the URL for a dead link)
    sha256      VARCHAR,
    source_url  VARCHAR NOT NULL,
    agency      VARCHAR,
    year        INTEGER,
    status      VARCHAR NOT NULL CHECK (status IN ('loaded', 'superseded', 'quarantined')),
    reason      VARCHAR,
    fetched_at  TIMESTAMPTZ,
    loaded_at   TIMESTAMPTZ NOT NULL,
    load_seq    BIGINT NOT NULL,         -- order of loading: the newest file of a body and year wins
    pages       INTEGER,
    form_rows   INTEGER,                 -- 25, or 23 where （六）其他处理 is one row
    method      VARCHAR,                 -- how the tables were read (camelot settings)
    run_id      VARCHAR
);

CREATE SEQUENCE report_load_seq START 1;

CREATE TABLE report_cells (
    report_id   VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL CHECK (table_name IN ('disclosure', 'application', 'review')),
    row_key     VARCHAR NOT NULL,
    col_key     VARCHAR NOT NULL,
    value       DECIMAL(20, 6),          -- NULL where the printed text is not a number (R1 fails)
    raw         VARCHAR NOT NULL,        -- the cell's text as printed
    page        INTEGER,
    PRIMARY KEY (report_id, table_name, row_key, col_key)
);

CREATE TABLE dq_checks (
    run_id      VARCHAR NOT NULL,
    report_id   VARCHAR NOT NULL,
    check_id    VARCHAR NOT NULL,
    success     BOOLEAN NOT NULL,
    severity    VARCHAR NOT NULL,
    details     VARCHAR NOT NULL,        -- JSON: the cells, printed vs expected values
    checked_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (report_id, check_id, run_id)
);
