"""Reports published as web pages (extract/html.py): the grid, the two readings, the identity."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from corpus.document import report_document
from corpus.fuzz import PUBLISHERS, fuzz_report
from corpus.render_cms import draw_cms_look, to_cms_page
from corpus.score import truth_cells
from extract.grid import HTML_METHOD, Grid
from extract.html import content_sha256, read_html
from extract.layout import read_value
from extract.report import extract_report
from extract.values import parse_count
from nianbao.errors import NotAPdf
from tests.conftest import real_file, real_truth

# Seeds drawn for these tests only, never tuned on (bench/fuzz.py --as page tunes on 0–199).
UNSEEN = range(710000, 710016)


def _page(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    return path


def _shuyang() -> str:
    return real_file("shuyang-fgj-2023").read_text(encoding="utf-8")


def _cell(report, table: str, row: str, col: str):
    (cell,) = [c for c in report.cells if (c.table, c.row, c.col) == (table, row, col)]
    return cell


def test_rowspan_and_colspan_expand_as_a_ruled_grid_gives_them() -> None:
    page = read_html(
        b'<table><tr><td rowspan="2" colspan="2">a</td><td>b</td></tr>'
        b"<tr><td>c</td></tr><tr><td>d</td><td>e</td><td>f</td></tr></table>"
    )
    (grid,) = page.grids
    assert grid.rows == (("a", "", "b"), ("", "", "c"), ("d", "e", "f"))
    assert grid.covered == {(0, 1), (1, 0), (1, 1)}
    assert grid.second_rows == grid.rows  # lexbor reads it the same


def test_word_runs_cut_inside_a_number_read_as_that_number(tmp_path: Path) -> None:
    html = _shuyang().replace(
        "<td><p>26</p></td>", '<td><p><span lang="EN-US">2</span><span>6</span></p></td>', 1
    )
    cell = _cell(extract_report(_page(tmp_path, html)), "application", "1", "natural_person")
    assert (cell.value, cell.reading) == (26, "agree")


def test_a_value_set_on_two_lines_is_two_numbers_not_one(tmp_path: Path) -> None:
    html = _shuyang().replace("<td><p>26</p></td>", "<td><p>2</p><p>6</p></td>", 1)
    cell = _cell(extract_report(_page(tmp_path, html)), "application", "1", "natural_person")
    assert cell.value is None and cell.raw == "2\n\n6"


def test_a_value_the_two_parsers_read_differently_is_not_loaded() -> None:
    grid = Grid(
        1, 0, (("12",),), (("1",),), frozenset(), frozenset(), HTML_METHOD, None, None, None
    )
    cell = read_value(grid, 0, 0, parse_count, ("application", "1", "total"))
    assert (cell.value, cell.reading, cell.second_raw) == (None, "html-parsers-differ", "1")


def test_identity_is_the_report_not_the_page_chrome() -> None:
    fuzzed = fuzz_report(UNSEEN[0])
    doc, report = report_document(fuzzed.report), fuzzed.report
    look = draw_cms_look(random.Random(1))
    visits = [
        to_cms_page(
            doc,
            look.__class__(**{**look.__dict__, "views": views}),
            random.Random(7),
            report.agency,
            report.year,
        )
        for views in (1, 2)
    ]
    assert visits[0] != visits[1]
    assert content_sha256(visits[0].encode()) == content_sha256(visits[1].encode())
    edited = _shuyang().replace("<td><p>26</p></td>", "<td><p>27</p></td>", 1)
    assert content_sha256(edited.encode()) != content_sha256(_shuyang().encode())


def test_an_error_page_in_a_report_files_place_says_so(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "<html><head><title>404 页面不存在</title></head><body><h1>抱歉</h1></body></html>",
    )
    with pytest.raises(NotAPdf, match="not a report page.*404 页面不存在"):
        extract_report(page)


def test_the_real_page_reads_its_blank_columns_as_printed_zeros() -> None:
    truth = real_truth("shuyang-fgj-2023")
    report = extract_report(real_file("shuyang-fgj-2023"))
    assert {(c.table, c.row, c.col): float(c.value) for c in report.cells} == truth_cells(truth)
    assert {c.reading for c in report.cells} == {"agree"}
    assert _cell(report, "application", "1", "commercial_enterprise").raw == ""


@pytest.mark.parametrize("seed", UNSEEN)
def test_generated_cms_pages_read_exactly(tmp_path: Path, seed: int) -> None:
    fuzzed = fuzz_report(seed)
    report = extract_report(PUBLISHERS["page"](fuzzed, tmp_path))
    truth = fuzzed.truth()
    expected = {
        (t, r, c): float(v)
        for t in ("application", "review", "disclosure")
        for r, cols in truth[t].items()
        for c, v in cols.items()
    }
    got = {(c.table, c.row, c.col): float(c.value) for c in report.cells if c.value is not None}
    assert got == expected
    assert (report.agency, report.year, report.method) == (
        fuzzed.report.agency,
        fuzzed.report.year,
        "html",
    )
