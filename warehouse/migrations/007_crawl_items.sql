-- Warm nights (issue 15): what each detail page gave when it was last read, so that a night
-- asks it again only when its listing title changed (or on the portal's full walk).
CREATE TABLE crawl_items (
    url      VARCHAR PRIMARY KEY,
    title    VARCHAR NOT NULL,
    reports  VARCHAR[] NOT NULL,   -- the report URLs it links (or itself, a page report)
    skipped  JSON NOT NULL,        -- [[url, title, reason], …]: what on it was not taken
    listing  VARCHAR NOT NULL,      -- the column that lists it
    read_at  TIMESTAMPTZ NOT NULL
);

-- The name the server gave a file (Content-Disposition): a download.jsp?id=… link names none.
ALTER TABLE report_files ADD COLUMN file_name VARCHAR;
