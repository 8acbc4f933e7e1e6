-- Failed checks of loaded reports (each check's latest result), by check and year.
SELECT d.check_id, r.year, count(*) AS failed
FROM (
    SELECT * FROM dq_checks
    QUALIFY row_number() OVER (PARTITION BY report_id, check_id ORDER BY checked_at DESC) = 1
) d
JOIN report_files r USING (report_id)
WHERE NOT d.success AND r.status = 'loaded'
GROUP BY d.check_id, r.year
ORDER BY d.check_id, r.year
