"""The README's five analyst questions, asked of report_summary, give the answers the same
questions give when asked of the per-cell views (as analysts had to before), and are shorter."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from nianbao.records import FetchedFile
from tests.conftest import REPO, VALIDATOR, sample_manifest, sample_truth
from tests.expectations.test_relations import report_from_truth
from warehouse import Warehouse

# The same five questions, asked of application_stats, review_stats, dq_results and reports.
BEFORE = [
    """SELECT r.agency AS display_name, r.year, a.value AS received
       FROM reports r LEFT JOIN application_stats a
         ON a.report_id = r.report_id AND a.row_code = '1' AND a.applicant_code = 'total'
       WHERE r.status = 'loaded' ORDER BY 1, 2""",
    """SELECT agency AS display_name, year,
              max(value) FILTER (WHERE row_code = '3.1') / max(value) FILTER (WHERE row_code = '3.7') AS in_full,
              max(value) FILTER (WHERE row_code = '3.2') / max(value) FILTER (WHERE row_code = '3.7') AS in_part,
              CASE WHEN count(value) FILTER (WHERE row_code LIKE '3.3.%') = 8
                   THEN sum(value) FILTER (WHERE row_code LIKE '3.3.%') END
                / max(value) FILTER (WHERE row_code = '3.7') AS refused
       FROM application_stats WHERE applicant_code = 'total'
       GROUP BY report_id, agency, year HAVING max(value) FILTER (WHERE row_code = '3.7') > 0""",
    """SELECT agency AS display_name, year,
              max(value) FILTER (WHERE outcome_code = 'corrected')
                / max(value) FILTER (WHERE outcome_code = 'total') AS corrected
       FROM review_stats WHERE proceeding_code = 'reconsideration'
       GROUP BY report_id, agency, year HAVING max(value) FILTER (WHERE outcome_code = 'total') > 0""",
    """SELECT r.agency AS display_name, r.year, d.check_id, d.severity, d.details
       FROM dq_results d JOIN reports r USING (report_id)
       WHERE r.status = 'loaded' AND NOT d.success
         AND d.checked_at = (SELECT max(checked_at) FROM dq_results d2
                             WHERE d2.report_id = d.report_id AND d2.check_id = d.check_id)""",
    """SELECT r.agency AS display_name, r.year, a.value - p.value AS change
       FROM reports r
       LEFT JOIN application_stats a
         ON a.report_id = r.report_id AND a.row_code = '1' AND a.applicant_code = 'total'
       LEFT JOIN (SELECT s.agency_id, s.year, s.value FROM application_stats s
                  WHERE s.row_code = '1' AND s.applicant_code = 'total') p
         ON p.agency_id = r.agency_id
        AND p.year = (SELECT max(q.year) FROM reports q WHERE q.agency_id = r.agency_id
                      AND q.status = 'loaded' AND q.year < r.year)
       WHERE r.status = 'loaded'""",
]


def _readme_queries() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text[text.index("-- 1. applications received") :]
    block = block[: block.index("```")]
    return [q.strip() for q in re.split(r"^-- \d\. .*$", block, flags=re.M) if q.strip()]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("analyst") / "w.duckdb"
    with Warehouse.open(db) as store:
        for n, item in enumerate(m for m in sample_manifest() if m.get("truth")):
            report = report_from_truth(sample_truth(item["truth"]))
            sha = f"{n:016x}" * 4
            fetched = FetchedFile(
                f"http://127.0.0.1/{n}.pdf", sha, f"/tmp/{n}.pdf", 1, datetime.now(UTC)
            )
            store.load_report(fetched, report, VALIDATOR.validate_report(report), "run1")
    return db


def _answer(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(sql.rstrip().rstrip(";")).fetchall()
    # a body's display name is its newest report's printing: compare on what the rows say
    return sorted(rows, key=repr)


@pytest.mark.parametrize("n", range(5))
def test_each_question_is_shorter_and_answers_the_same(warehouse: Path, n: int) -> None:
    after = _readme_queries()
    assert len(after) == 5
    new, old = _answer(warehouse, after[n]), _answer(warehouse, BEFORE[n])
    assert new == old and len(new) > 0
    assert len(after[n]) < len(BEFORE[n]) / 1.5
