-- agency_id: one body under its varying printed names (nianbao/identity.py); the views expose it.
ALTER TABLE report_files ADD COLUMN agency_id VARCHAR;
UPDATE report_files SET agency_id = agency WHERE agency_id IS NULL;

CREATE OR REPLACE VIEW reports AS
SELECT report_id, agency_id, agency, year, source_url, sha256, status, reason, fetched_at,
       pages, form_rows, method, loaded_at
FROM report_files;

CREATE OR REPLACE VIEW application_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS row_code, c.col_key AS applicant_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'application' AND r.status = 'loaded';

CREATE OR REPLACE VIEW review_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS proceeding_code, c.col_key AS outcome_code,
       CAST(c.value AS BIGINT) AS value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'review' AND r.status = 'loaded';

CREATE OR REPLACE VIEW disclosure_stats AS
SELECT c.report_id, r.agency_id, r.agency, r.year, c.row_key AS item_code, c.col_key AS measure_code,
       c.value, c.raw, c.page
FROM report_cells c JOIN report_files r USING (report_id)
WHERE c.table_name = 'disclosure' AND r.status = 'loaded';

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
