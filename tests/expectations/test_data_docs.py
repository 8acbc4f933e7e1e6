"""Data Docs: a few reports to a validation, named by each, one expectation per check, failing
cells named with their report, one index across runs with old runs pruned, and pages that open
offline."""

from __future__ import annotations

import re
from pathlib import Path

from expectations.validator import Validator
from tests.browser import rendered_dom
from tests.conftest import sample_manifest, sample_truth
from tests.expectations.test_relations import report_from_truth


def _report(n: int, change: dict | None = None):
    name = sample_manifest()[n]["truth"]
    return report_from_truth(sample_truth(name), change)


def test_reports_validated_together_are_named_with_an_expectation_per_check(
    tmp_path: Path,
) -> None:
    validator = Validator()
    truth = sample_truth(sample_manifest()[0]["truth"])
    printed = truth["application"]["3.2"]["total"]
    bad = _report(0, {("application", "3.2", "total"): printed + 1})
    checks = validator.validate_reports([(_report(1), "甲局 2023 (a)"), (bad, "乙局 2023 (b)")])
    assert [c.check_id for c in checks[1] if not c.success] == ["R2", "R3"]
    validator.build_docs(tmp_path, "run-1", keep_runs=5)
    (page,) = tmp_path.glob("validations/nianbao-report/*/*/*.html")
    assert page.parent.parent.name == "甲局 2023 (a) · 乙局 2023 (b)"
    text = page.read_text(encoding="utf-8")
    for check in ("R1", "R2", "R3", "R4", "R5", "R6", "R8"):  # each described in form terms
        assert f"{check}: " in text
    # the failing relation named with its report, not a bare row index
    cell = r"<td[^>]*><div[^>]*>"
    assert re.search(rf"{cell}乙局 2023 \(b\)</div></td>{cell}R2 row_code 3.2<", text)


def test_one_index_over_the_newest_runs(tmp_path: Path) -> None:
    validator = Validator()
    for run in range(3):
        validator.validate_reports([(_report(run), f"局{run} 2023 (r{run})")])
        index = validator.build_docs(tmp_path, f"run-{run}", keep_runs=2)
    assert index is not None
    listed = re.findall(r"'run_name': '([^']*)'", index.read_text(encoding="utf-8"))
    assert sorted(listed) == ["局1 2023 (r1)", "局2 2023 (r2)"]  # run 0 pruned
    assert not list(tmp_path.glob("validations/*/局0*"))
    assert sorted(p.stem for p in (tmp_path / ".results").glob("*.json")) == ["run-1", "run-2"]
    for page in tmp_path.rglob("*.html"):  # each build made its own pages offline
        assert "https://cdn" not in page.read_text(encoding="utf-8"), page


def test_the_pages_open_offline_and_the_index_lists_its_validations(tmp_path: Path) -> None:
    validator = Validator()
    validator.validate_reports([(_report(0), "甲局 2023 (a)"), (_report(1), "乙局 2023 (b)")])
    index = validator.build_docs(tmp_path, "run-1", keep_runs=5)
    assert index is not None
    for page in tmp_path.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(link|script|img)\b[^>]*(href|src)=\"https?://", text), page
    # Drawn by a real browser that can reach nothing: the index table's rows are there,
    # each a link to its validation's page, named by every report it holds.
    dom = rendered_dom(index)
    rows = re.findall(r"<tr class=\"clickable-row\" onclick=\"([^\"]*)\">(.*?)</tr>", dom, re.S)
    validations = {
        name: link
        for link, cells in rows
        for name in re.findall(r"<td>(.局 2023 \(.\)(?: · .局 2023 \(.\))*)</td>", cells)
    }
    assert list(validations) == ["甲局 2023 (a) · 乙局 2023 (b)"]
    assert all("validations/nianbao-report/" in link for link in validations.values())


def test_r7_and_a_name_with_a_slash_have_their_pages(tmp_path: Path) -> None:
    """GX's file store refuses a page name with a slash: R7's label held the agency_id
    (host/name) and its pages were never written, nor would a body printed with a slash be."""
    validator = Validator()
    validator.build()
    validator.validate_reports([(_report(0), "甲局/乙办 2023 (a)")])
    pairs = [("b", "127.0.1.7/丙局", 2024, "total", 5, 4, "b0")]
    assert not validator.validate_continuity(pairs)["b"].success
    index = validator.build_docs(tmp_path, "run-1")
    assert index is not None
    names = sorted(p.parent.parent.name for p in tmp_path.glob("validations/*/*/*/*.html"))
    assert names == ["丙局 2024 (b)", "甲局／乙办 2023 (a)"]


def test_a_name_longer_than_a_file_name_has_its_page(tmp_path: Path) -> None:
    """The file system refuses a file name past 255 bytes: a body read as a long string
    still gets its page, named by the start of its label, its year and its id."""
    validator = Validator()
    long = "很长的机关名称" * 20 + " 2023 (0123456789abcdef)"  # 443 bytes
    validator.validate_reports([(_report(0), long)])
    assert validator.build_docs(tmp_path, "run-1") is not None
    (page,) = tmp_path.glob("validations/nianbao-report/*/*/*.html")
    name = page.parent.parent.name
    assert name.startswith("很长的机关名称") and "…" in name
    assert name.endswith(" 2023 (0123456789abcdef)") and len(name.encode()) <= 255
