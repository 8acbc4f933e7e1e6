-- A night that survives its faults (issue 11): where the bytes came from, what the crawl did
-- not take, whether it saw the whole column, and who each alert reached.

-- The URL the bytes came from, when a redirect on the portal's host led there (NULL: source_url).
ALTER TABLE report_files ADD COLUMN fetched_from VARCHAR;

-- Every listing item or page a crawl saw and did not take, and why: nothing is dropped silently.
CREATE TABLE crawl_skips (
    run_id   VARCHAR NOT NULL,
    source   VARCHAR NOT NULL,
    url      VARCHAR NOT NULL,
    title    VARCHAR,
    reason   VARCHAR NOT NULL,
    seen_at  TIMESTAMPTZ NOT NULL
);

-- A crawl that stopped at its page limit has not seen the whole column.
ALTER TABLE runs ADD COLUMN page_limit_reached BOOLEAN;
ALTER TABLE runs ADD COLUMN skipped INTEGER;

-- Who each finding was mailed to: a recipient the server refused keeps it pending for them.
CREATE TABLE alert_deliveries (
    finding_key  VARCHAR NOT NULL,
    recipient    VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL,
    sent_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (finding_key, recipient)
);
