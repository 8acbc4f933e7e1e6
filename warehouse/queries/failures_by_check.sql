-- Failed checks of loaded reports (each check's latest result), by check and year.
SELECT d.check_id, r.year, count(*) AS failed
FROM latest_checks d
JOIN report_files r USING (report_id)
WHERE NOT d.success AND r.status = 'loaded'
GROUP BY d.check_id, r.year
ORDER BY d.check_id, r.year
