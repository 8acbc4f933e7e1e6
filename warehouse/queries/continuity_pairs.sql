-- R7 data: for each loaded report touching the given ids ($1, as this year or as last year),
-- per applicant column, this year's 上年结转 (row 2) beside last year's 结转下年度 (row 4).
SELECT cur.report_id, cur.agency_id, cur.year, c2.col_key,
       CAST(c2.value AS DOUBLE) AS carried_in, CAST(c4.value AS DOUBLE) AS carried_out_last_year,
       prev.report_id AS last_year_report
FROM report_files cur
JOIN report_files prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1
JOIN report_cells c2 ON c2.report_id = cur.report_id AND c2.table_name = 'application' AND c2.row_key = '2'
JOIN report_cells c4 ON c4.report_id = prev.report_id AND c4.table_name = 'application'
                    AND c4.row_key = '4' AND c4.col_key = c2.col_key
WHERE cur.status = 'loaded' AND prev.status = 'loaded'
  AND (cur.report_id IN (SELECT unnest($1)) OR prev.report_id IN (SELECT unnest($1)))
ORDER BY cur.report_id, c2.col_key
