-- agency_id: one body under its varying printed names (nianbao/identity.py); the views expose it.
ALTER TABLE report_files ADD COLUMN agency_id VARCHAR;
UPDATE report_files SET agency_id = agency WHERE agency_id IS NULL;

-- Every finding (a failed check, a quarantined file) and when it was mailed: none twice, none lost.
CREATE TABLE alerts (
    finding_key  VARCHAR PRIMARY KEY,   -- report_id/check_id, or report_id/quarantine
    report_id    VARCHAR NOT NULL,
    check_id     VARCHAR,               -- NULL for a quarantined file
    found_run_id VARCHAR NOT NULL,
    found_at     TIMESTAMPTZ NOT NULL,
    alerted_at   TIMESTAMPTZ,           -- NULL: pending, goes out with the next mail
    alert_run_id VARCHAR
);
