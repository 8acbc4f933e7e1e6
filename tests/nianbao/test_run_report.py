"""The run report page is drawn again only when what it shows changed (nianbao/run_report.py):
a quiet night leaves it as it was, a night that changed a row redraws it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import run_report

DATA = {
    "coverage": [("云溪市公安局", 2023, "loaded")],
    "failures": [("R2", 2023, 1)],
    "failed": [],
    "cells": [],
}


def test_the_same_data_leaves_the_page_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = run_report.write(tmp_path / "report.html", DATA, "nianbao: w.duckdb")
    first = page.read_text(encoding="utf-8")
    assert "<svg" in first

    def drawn_again(*args: object) -> str:
        raise AssertionError("the page was drawn again for the same data")

    monkeypatch.setattr(run_report, "render", drawn_again)
    run_report.write(page, dict(DATA), "nianbao: w.duckdb")
    assert page.read_text(encoding="utf-8") == first


def test_a_changed_row_or_title_draws_the_page_again(tmp_path: Path) -> None:
    page = run_report.write(tmp_path / "report.html", DATA, "nianbao: w.duckdb")
    more = {**DATA, "coverage": [*DATA["coverage"], ("云溪市公安局", 2024, "quarantined")]}
    run_report.write(page, more, "nianbao: w.duckdb")
    assert "2024" in page.read_text(encoding="utf-8")
    run_report.write(page, more, "nianbao: other.duckdb")
    assert "other.duckdb" in page.read_text(encoding="utf-8")
