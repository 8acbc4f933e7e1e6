"""`nianbao report`: one static page, nothing fetched from elsewhere, with the coverage matrix,
the failures chart, and a failed report drawn as the form with its offending cell marked."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from nianbao.records import CheckResult, FetchedFile
from tests.browser import screenshot
from tests.conftest import real_truth
from tests.expectations.test_relations import load_with_failed_r2, report_from_truth
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


def _pixels_near(png: Path, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    from PIL import Image

    image = Image.open(png).convert("RGB")
    counts = image.getcolors(maxcolors=image.width * image.height) or []
    return sum(
        n
        for n, pixel in counts
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
    )


def test_the_report_page_shows_its_chart_and_marks_in_a_browser(tmp_path: Path) -> None:
    """Looked at as a person would, in headless Chromium that can reach nothing: the bars of
    the failures chart, the coverage matrix's colours and the marked cell are on screen."""
    db, page = tmp_path / "w.duckdb", tmp_path / "report.html"
    load_with_failed_r2(db, real_truth("huaian-city-2024"))
    assert CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(page)]).exit_code == 0
    png = screenshot(page, tmp_path / "report.png", 1200, 2400)
    assert _pixels_near(png, (0x1F, 0x77, 0xB4)) > 500  # matplotlib's first bar colour
    assert _pixels_near(png, (0x2E, 0x7D, 0x32)) > 100  # a loaded cell of the coverage matrix
    assert _pixels_near(png, (0xFF, 0xCD, 0xD2)) > 100  # the offending cell, marked
