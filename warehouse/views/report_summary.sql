-- SPEC §3: one row per loaded report: its body, year, the headline counts of 三 and 四 (the
-- 总计 column; a count is NULL when any cell it adds up was not read, never a partial sum),
-- its failed checks (each check's latest result) and `trusted`: no failed error-level check.
CREATE OR REPLACE VIEW report_summary AS
WITH application AS (
    SELECT report_id,
        CAST(max(value) FILTER (WHERE row_code = '1') AS BIGINT) AS received,
        CAST(max(value) FILTER (WHERE row_code = '2') AS BIGINT) AS carried_over,
        CAST(max(value) FILTER (WHERE row_code = '3.1') AS BIGINT) AS granted_in_full,
        CAST(max(value) FILTER (WHERE row_code = '3.2') AS BIGINT) AS granted_in_part,
        CASE WHEN count(value) FILTER (WHERE row_code LIKE '3.3.%') = 8
             THEN CAST(sum(value) FILTER (WHERE row_code LIKE '3.3.%') AS BIGINT) END AS refused,
        CASE WHEN count(value) FILTER (WHERE row_code LIKE '3.4.%') = 3
             THEN CAST(sum(value) FILTER (WHERE row_code LIKE '3.4.%') AS BIGINT) END
             AS could_not_provide,
        CASE WHEN count(value) FILTER (WHERE row_code LIKE '3.5.%') = 5
             THEN CAST(sum(value) FILTER (WHERE row_code LIKE '3.5.%') AS BIGINT) END
             AS not_handled,
        -- （六）其他处理: one row 3.6 (the 2019 form) or three 3.6.*
        CASE WHEN count(value) FILTER (WHERE row_code = '3.6') = 1
                  OR count(value) FILTER (WHERE row_code LIKE '3.6.%') = 3
             THEN CAST(sum(value) FILTER (WHERE row_code LIKE '3.6%') AS BIGINT) END
             AS other_handling,
        CAST(max(value) FILTER (WHERE row_code = '3.7') AS BIGINT) AS total_handled,
        CAST(max(value) FILTER (WHERE row_code = '4') AS BIGINT) AS carried_forward
    FROM application_stats
    WHERE applicant_code = 'total'
    GROUP BY report_id
),
review AS (
    SELECT report_id,
        CAST(max(value) FILTER (WHERE proceeding_code = 'reconsideration' AND outcome_code = 'total')
             AS BIGINT) AS reconsiderations,
        CAST(max(value) FILTER (WHERE proceeding_code = 'reconsideration'
                                  AND outcome_code = 'corrected') AS BIGINT)
             AS reconsiderations_corrected,
        CASE WHEN count(value) FILTER (WHERE proceeding_code LIKE 'litigation%'
                                         AND outcome_code = 'total') = 2
             THEN CAST(sum(value) FILTER (WHERE proceeding_code LIKE 'litigation%'
                                            AND outcome_code = 'total') AS BIGINT) END AS lawsuits,
        CASE WHEN count(value) FILTER (WHERE proceeding_code LIKE 'litigation%'
                                         AND outcome_code = 'corrected') = 2
             THEN CAST(sum(value) FILTER (WHERE proceeding_code LIKE 'litigation%'
                                            AND outcome_code = 'corrected') AS BIGINT) END
             AS lawsuits_corrected
    FROM review_stats
    GROUP BY report_id
),
checks AS (
    SELECT report_id,
        CAST(count(*) FILTER (WHERE NOT success AND severity = 'error') AS BIGINT) AS failed_errors,
        CAST(count(*) FILTER (WHERE NOT success AND severity <> 'error') AS BIGINT)
             AS failed_warnings,
        string_agg(check_id, ', ' ORDER BY check_id) FILTER (WHERE NOT success) AS failed_checks
    FROM latest_checks
    GROUP BY report_id
)
SELECT f.report_id, f.agency_id, f.agency,
       -- the body under the name its newest report prints
       arg_max(f.agency, f.year) OVER (PARTITION BY f.agency_id) AS display_name,
       f.year,
       a.received, a.carried_over, a.granted_in_full, a.granted_in_part, a.refused,
       a.could_not_provide, a.not_handled, a.other_handling, a.total_handled, a.carried_forward,
       r.reconsiderations, r.reconsiderations_corrected, r.lawsuits, r.lawsuits_corrected,
       coalesce(c.failed_errors, 0) AS failed_errors,
       coalesce(c.failed_warnings, 0) AS failed_warnings,
       coalesce(c.failed_checks, '') AS failed_checks,
       coalesce(c.failed_errors, 0) = 0 AS trusted
FROM report_files f
LEFT JOIN application a USING (report_id)
LEFT JOIN review r USING (report_id)
LEFT JOIN checks c USING (report_id)
WHERE f.status = 'loaded';

COMMENT ON VIEW report_summary IS 'one row per loaded report: headline counts of 三 and 四, failed checks, trusted';
COMMENT ON COLUMN report_summary.report_id IS 'the report file''s id: the first 16 hex digits of its sha256 (of its content, for a page)';
COMMENT ON COLUMN report_summary.agency_id IS 'the body''s stable id across the names its reports print (nianbao/identity.py)';
COMMENT ON COLUMN report_summary.agency IS 'the body''s name as this report prints it';
COMMENT ON COLUMN report_summary.display_name IS 'the body under the name its newest report prints';
COMMENT ON COLUMN report_summary.year IS 'the year the report covers';
COMMENT ON COLUMN report_summary.received IS '三 row 1, 总计: applications received this year';
COMMENT ON COLUMN report_summary.carried_over IS '三 row 2, 总计: carried over from last year';
COMMENT ON COLUMN report_summary.granted_in_full IS '三 row 3.1, 总计';
COMMENT ON COLUMN report_summary.granted_in_part IS '三 row 3.2, 总计';
COMMENT ON COLUMN report_summary.refused IS '三 rows 3.3.1–8, 总计 (NULL if any was not read)';
COMMENT ON COLUMN report_summary.could_not_provide IS '三 rows 3.4.1–3, 总计';
COMMENT ON COLUMN report_summary.not_handled IS '三 rows 3.5.1–5, 总计';
COMMENT ON COLUMN report_summary.other_handling IS '三 row 3.6 or rows 3.6.1–3, 总计';
COMMENT ON COLUMN report_summary.total_handled IS '三 row 3.7, 总计';
COMMENT ON COLUMN report_summary.carried_forward IS '三 row 4, 总计: carried forward to next year';
COMMENT ON COLUMN report_summary.reconsiderations IS '四 行政复议, 总计';
COMMENT ON COLUMN report_summary.reconsiderations_corrected IS '四 行政复议, 结果纠正';
COMMENT ON COLUMN report_summary.lawsuits IS '四 行政诉讼 (both kinds), 总计';
COMMENT ON COLUMN report_summary.lawsuits_corrected IS '四 行政诉讼 (both kinds), 结果纠正';
COMMENT ON COLUMN report_summary.failed_errors IS 'error-level checks failed (each check''s latest result)';
COMMENT ON COLUMN report_summary.failed_warnings IS 'warning-level checks failed (R7, R8)';
COMMENT ON COLUMN report_summary.failed_checks IS 'the failed checks, e.g. ''R2, R7''';
COMMENT ON COLUMN report_summary.trusted IS 'no failed error-level check: its arithmetic holds as the form promises';
