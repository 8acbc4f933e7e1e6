"""The camelot settings nianbao reads with give the cells camelot's defaults give."""

from __future__ import annotations

import pytest

from extract.pdf import read_pdf_text, table_page_numbers
from extract.tables import LATTICE_METHODS, read_grids
from tests.conftest import SAMPLE_PORTAL, real_pdf


@pytest.mark.parametrize("method", list(LATTICE_METHODS))
@pytest.mark.parametrize(
    "pdf",
    [real_pdf("huaian-city-2024"), SAMPLE_PORTAL / "202302" / "P0202302119002.pdf"],
    ids=["huaian-city-2024", "yunxi-city-2022 (CFF font)"],
)
def test_skipping_the_reading_order_pass_changes_no_cell(pdf, method, monkeypatch) -> None:
    pages = table_page_numbers(read_pdf_text(pdf))
    ours = read_grids(pdf, pages, method)
    defaults = {k: v for k, v in LATTICE_METHODS[method].items() if k != "layout_kwargs"}
    monkeypatch.setitem(LATTICE_METHODS, method, defaults)
    assert read_grids(pdf, pages, method) == ours  # camelot's text and parsing report too
