"""Each failure class issue 12 names (and those the fuzzer found since), on a generated
report that has it: data/fuzz_cases, drawn by corpus/fuzz.py from tuned seeds and
rendered by the renderer the seed drew (headless Chromium, LibreOffice, XeLaTeX),
written by `bench/fuzz.py`'s write_slice. Each test first shows that the report really has
the hazard (the code path that meets it is taken), then that every printed value is read
exactly, or, where a table cannot be placed, that only that table is refused, with its
reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import extract.layout
import extract.position_rows
import extract.tables
from extract.report import extract_report
from nianbao.records import ExtractedReport
from tests.conftest import REPO, VALIDATOR

CASES = REPO / "data" / "fuzz_cases"


def _truth(seed: int) -> dict[tuple[str, str, str], float]:
    truth = json.loads((CASES / f"fuzz-{seed}.json").read_text(encoding="utf-8"))
    return {
        (t, r, c): v
        for t in ("application", "review", "disclosure")
        for r, cols in truth[t].items()
        for c, v in cols.items()
    }


def _not_exact(report: ExtractedReport, seed: int) -> dict:
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    return {
        key: (got.get(key), value)
        for key, value in _truth(seed).items()
        if got.get(key) is None or float(got[key]) != float(value)
    }


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, hit: Callable) -> list:
    """Record the calls of `module.name` whose result `hit` says met the hazard."""
    seen: list = []
    real = getattr(module, name)

    def spy(*args: Any) -> Any:
        result = real(*args)
        if hit(args, result):
            seen.append(result)
        return result

    monkeypatch.setattr(module, name, spy)
    return seen


@pytest.mark.parametrize("seed", [23, 101])
def test_a_row_of_three_cut_by_a_page_break_is_one_row(seed, monkeypatch) -> None:
    """Word/Chromium let a row break across pages: "1.本机关不" at the foot of one page, the
    rest of the label atop the next, its values on one side (issue 12: 3 reports were
    quarantined, one with a planted mistake then unflagged)."""
    joined = _spy(monkeypatch, extract.layout, "_joined_across_break", lambda a, r: r is not None)
    report = extract_report(CASES / f"fuzz-{seed}.pdf")
    assert joined, "the report no longer has a label cut by a page break"
    assert _not_exact(report, seed) == {}


def test_a_head_of_four_that_reads_blank_is_taken_by_its_position(monkeypatch) -> None:
    """A stacked, merged header whose head reads blank (issue 12: 6 reports lost all 15
    cells of 四 on "column 5 header '' is not 'total'")."""
    blank: list[int] = []
    real = extract.layout._check_review_header

    def spy(grid, header_rows):
        for i in range(extract.layout.REVIEW_COLUMNS):
            text = "".join(extract.layout.normalize_label(r[i]) for r in header_rows)
            if not extract.layout.REVIEW_OUTCOME_LABELS[i % 5].pattern.search(text):
                blank.append(i)
        return real(grid, header_rows)

    monkeypatch.setattr(extract.layout, "_check_review_header", spy)
    report = extract_report(CASES / "fuzz-25.pdf")
    assert blank, "no head of table 四 reads blank in this report any more"
    assert _not_exact(report, 25) == {}


def test_rules_drawn_a_little_apart_are_one_rule(monkeypatch) -> None:
    """XeLaTeX's \\multicolumn bars sit beside the columns' own: camelot sees a column a
    couple of points wide between them, and the values went one column off."""
    merged = _spy(
        monkeypatch,
        extract.tables,
        "_without_slivers",
        lambda args, result: len(result[1]) < len(args[1]),
    )
    report = extract_report(CASES / "fuzz-17.pdf")
    assert merged, "camelot finds no sliver column in this report any more"
    assert _not_exact(report, 17) == {}


def test_a_row_of_four_carried_alone_to_the_next_page_is_read() -> None:
    """LibreOffice, Noto Sans CJK (CFF): 四's one row of values alone atop the next page.
    camelot's own text placing put the values a row low, its precision gate then dropped the
    grid as empty, and the 15 cells were lost."""
    report = extract_report(CASES / "fuzz-16.pdf")
    assert max(p.page for p in report.pieces if p.table == "review") == 4
    assert _not_exact(report, 16) == {}


def test_a_page_break_inside_the_heads_of_four_takes_the_next_page() -> None:
    """尚 / 未 / 审 at the foot of the page and 结 with the values atop the next."""
    report = extract_report(CASES / "fuzz-52.pdf")
    assert report.table_pages[-1] == 3 and report.pages == 3
    assert _not_exact(report, 52) == {}


def test_unruled_heads_set_solid_take_their_columns_from_the_values(monkeypatch) -> None:
    """Chromium, no cell padding: 商业企业科研机构社会公益法律服务 reads as one chunk."""
    found = _spy(monkeypatch, extract.position_rows, "value_columns", lambda a, r: bool(r))
    report = extract_report(CASES / "fuzz-146.pdf")
    assert found, "table 三's heads can be told apart in this report now"
    assert _not_exact(report, 146) == {}


def test_a_table_that_cannot_be_placed_costs_its_own_cells_only() -> None:
    """Table 四 unruled with heads set solid ('结果维结果纠其他结尚未审正'): its columns
    cannot be told, so its 15 cells are refused and R6 names them with the reason, while
    tables 二 and 三 load (they used to be quarantined with it)."""
    report = extract_report(CASES / "fuzz-94.pdf")
    assert [u.table for u in report.unread] == ["review"]
    assert "table 四" in report.unread[0].reason
    assert set(_not_exact(report, 94)) == {k for k in _truth(94) if k[0] == "review"}
    (r6,) = [c for c in VALIDATOR.validate_report(report) if c.check_id == "R6"]
    assert not r6.success and len(r6.details) == 15
    assert all(d["why"] == report.unread[0].reason for d in r6.details)


def test_every_case_is_on_disk() -> None:
    manifest = json.loads((CASES / "manifest.json").read_text(encoding="utf-8"))
    seeds = {m["seed"] for m in manifest}
    assert seeds == {16, 17, 23, 25, 52, 94, 101, 146}
    assert all((CASES / f"fuzz-{s}.pdf").is_file() for s in seeds)
    renderers = {m["dimensions"]["renderer"] for m in manifest}
    assert renderers == {"html-chromium", "docx-libreoffice", "latex"}
