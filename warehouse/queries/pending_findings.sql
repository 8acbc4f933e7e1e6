-- Findings not mailed yet, each with its check's latest failure (severity, details), by body
-- and year; a quarantined file (no check) first within its report.
SELECT a.finding_key, a.report_id, a.check_id, r.agency, r.year, r.source_url, r.reason,
       coalesce(d.severity, 'error'), coalesce(d.details, '')
FROM alerts a
JOIN report_files r USING (report_id)
LEFT JOIN (SELECT report_id, check_id, severity, details,
                  row_number() OVER (PARTITION BY report_id, check_id ORDER BY checked_at DESC) AS n
           FROM dq_checks WHERE NOT success) d
  ON d.report_id = a.report_id AND d.check_id = a.check_id AND d.n = 1
WHERE a.alerted_at IS NULL
ORDER BY r.agency NULLS LAST, r.year, a.check_id NULLS FIRST
