-- Body × year: loaded (a loaded file), quarantined (files, none loaded), or missing (a year
-- between the body's first and last report with no file at all).
WITH seen AS (
    SELECT agency_id, year,
           arg_max(agency, year) OVER (PARTITION BY agency_id) AS body,
           bool_or(status = 'loaded') AS loaded
    FROM report_files
    WHERE agency_id IS NOT NULL AND year IS NOT NULL
    GROUP BY agency_id, year, agency
),
bodies AS (
    SELECT agency_id, any_value(body) AS body, min(year) AS first, max(year) AS last
    FROM seen GROUP BY agency_id
),
grid AS (
    SELECT b.agency_id, b.body, y.year
    FROM bodies b, range(b.first, b.last + 1) AS y(year)
)
SELECT g.body, CAST(g.year AS INTEGER) AS year,
       CASE WHEN bool_or(s.loaded) THEN 'loaded'
            WHEN count(s.year) > 0 THEN 'quarantined'
            ELSE 'missing' END AS coverage
FROM grid g LEFT JOIN seen s ON s.agency_id = g.agency_id AND s.year = g.year
GROUP BY g.body, g.year
ORDER BY g.body, g.year
