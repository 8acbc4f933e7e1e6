-- Loaded reports with a failed error-level check: their body, year, source and the checks'
-- details (JSON naming the cells, printed vs expected).
SELECT r.report_id, r.agency, r.year, r.source_url, d.check_id, d.details
FROM latest_checks d
JOIN report_files r USING (report_id)
WHERE NOT d.success AND d.severity = 'error' AND r.status = 'loaded'
ORDER BY r.agency, r.year, d.check_id
