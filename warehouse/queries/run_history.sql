-- The newest runs first: what `nianbao runs` prints.
SELECT run_id, source, started_at, finished_at, outcome, files_found, loaded, unchanged,
       quarantined, failed_checks, skipped, page_limit_reached, message
FROM runs
ORDER BY started_at DESC
LIMIT ?
