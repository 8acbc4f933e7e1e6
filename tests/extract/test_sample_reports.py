"""Extraction of the generated sample reports against the truth written beside them."""

from __future__ import annotations

import pytest

from corpus.score import truth_cells
from extract.report import extract_report
from tests.conftest import SAMPLE_PORTAL, sample_manifest, sample_truth

LOADED = [m for m in sample_manifest() if m["kind"] == "report"]


@pytest.mark.parametrize("entry", LOADED, ids=[m["truth"] for m in LOADED])
def test_sample_report_values_exact(entry: dict) -> None:
    truth = sample_truth(entry["truth"])
    report = extract_report(SAMPLE_PORTAL / entry["path"])
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    expected = truth_cells(truth)
    assert set(got) == set(expected)
    assert {k: got[k] for k in expected if got[k] is None or float(got[k]) != expected[k]} == {}
    unruled = set(truth["variant"]["unruled"])  # tables printed with no rules at all
    assert {p.table for p in report.pieces if p.method == "text-position"} == unruled
    assert (report.agency, report.year, report.form_rows) == (
        truth["agency"],
        truth["year"],
        truth["table3_rows"],
    )


def test_a_table_three_split_across_pages_is_joined() -> None:
    pages_per_report = []
    for entry in LOADED:
        report = extract_report(SAMPLE_PORTAL / entry["path"])
        pages_per_report.append({c.page for c in report.cells if c.table == "application"})
    assert any(len(p) >= 2 for p in pages_per_report)
