"""`nianbao report`: one static page, nothing fetched from elsewhere, with the coverage matrix,
the failures chart, and a failed report drawn as the form with its offending cell marked."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from nianbao.records import CheckResult, FetchedFile
from tests.conftest import real_truth
from tests.expectations.test_relations import report_from_truth
from warehouse import Warehouse


def test_the_report_page_shows_coverage_failures_and_the_failed_cell(tmp_path: Path) -> None:
    db, page = tmp_path / "w.duckdb", tmp_path / "report.html"
    hongze_2024, huaian = real_truth("hongze-district-2024"), real_truth("huaian-city-2024")
    bad = {"row_code": "3.2", "applicant_code": "total", "printed": 5, "expected": 4}
    loads = [
        (hongze_2024, (CheckResult("R2", False, "error", (bad,)),)),
        (huaian, (CheckResult("R2", True, "error"),)),
    ]
    with Warehouse.open(db) as store:
        for n, (truth, checks) in enumerate(loads):
            sha = str(n) * 16
            fetched = FetchedFile(
                f"http://127.0.0.1/{n}.pdf", sha * 4, f"/tmp/{n}.pdf", 1, datetime.now(UTC)
            )
            store.load_report(fetched, report_from_truth(truth), checks, "run1")
        store.quarantine_report(
            FetchedFile("http://127.0.0.1/q.pdf", "9" * 64, "/tmp/q.pdf", 1, datetime.now(UTC)),
            "not a PDF",
            "run1",
        )
    result = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(link|script)\b|src=['\"]https?:", text)  # nothing from a CDN
    assert "<svg" in text and text.count("<path") > 3  # the chart, drawn inline
    assert f"<td class='label'>{hongze_2024['agency']}</td>" in text
    assert "class='loaded'" in text
    marked = re.findall(r"<td class='bad'[^>]*>([^<]*)<br><small>([^<]*)</small>", text)
    printed = str(hongze_2024["application"]["3.2"]["total"])
    assert marked == [(printed, "R2: printed 5, expected 4")]
