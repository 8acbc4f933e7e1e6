-- SPEC §3: one row per report file, loaded or quarantined, under its body's agency_id
-- (nianbao/identity.py); fetched_from: where the bytes came from after a redirect on the host.
CREATE OR REPLACE VIEW reports AS
SELECT report_id, agency_id, agency, year, source_url, sha256, status, reason, fetched_at,
       pages, form_rows, method, loaded_at, coalesce(fetched_from, source_url) AS fetched_from
FROM report_files;
