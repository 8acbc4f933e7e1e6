"""Extraction of the real reports in ../shared/real against their hand-checked values."""

from __future__ import annotations

import pytest

from corpus.score import truth_cells
from extract.report import extract_report
from tests.conftest import REAL_REPORTS, real_file, real_pdf, real_truth


@pytest.mark.parametrize("name", REAL_REPORTS)
def test_every_printed_value_is_read_exactly(name: str) -> None:
    truth = real_truth(name)
    report = extract_report(real_file(name))
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    expected = truth_cells(truth)
    assert set(got) == set(expected)
    wrong = {k: (got[k], v) for k, v in expected.items() if got[k] is None or float(got[k]) != v}
    assert wrong == {}


@pytest.mark.parametrize("name", REAL_REPORTS)
def test_title_and_form_variant(name: str) -> None:
    truth = real_truth(name)
    report = extract_report(real_file(name))
    assert (report.agency, report.year) == (truth["agency"], truth["year"])
    assert report.form_rows == truth["table3_rows"]


def test_split_table_keeps_page_provenance() -> None:
    # huaian-city-2024: table 三 breaks inside （四）无法提供, between pages 4 and 5.
    report = extract_report(real_pdf("huaian-city-2024"))
    pages = {c.row: c.page for c in report.cells if c.table == "application"}
    assert pages["3.4.1"] == 4 and pages["3.4.2"] == 5


def test_only_table_pages_are_read() -> None:
    report = extract_report(real_pdf("hongze-district-2023"))
    assert report.table_pages == (2, 3, 4) and report.pages == 5
