-- Warm nights (issue 15): what each detail page gave when it was last read, so that a night
-- asks it again only when its listing title changed (or on the portal's full walk).
CREATE TABLE crawl_items (
    url      VARCHAR PRIMARY KEY,
    title    VARCHAR NOT NULL,
    reports  VARCHAR[] NOT NULL,   -- the report URLs it links (or itself, a page report)
    skipped  JSON NOT NULL,        -- [[url, title, reason], …]: what on it was not taken
    read_at  TIMESTAMPTZ NOT NULL
);
