"""One PDF → one ExtractedReport (or a TerminalError saying why not)."""

from __future__ import annotations

from pathlib import Path

from extract.layout import parse_grids, parse_table
from extract.pdf import check_form_version, find_title, read_pdf_text, table_page_numbers
from extract.positions import READERS, position_grids
from extract.tables import LATTICE_METHODS, read_grids
from nianbao.errors import UnknownLayout
from nianbao.form import ROW_CODES_23, ROW_CODES_25
from nianbao.records import Cell, ExtractedReport, TablePiece


def extract_report(path: str | Path) -> ExtractedReport:
    text = read_pdf_text(path)
    agency, year = find_title(text)
    check_form_version(text, tuple(range(1, text.pages + 1)))
    pages = table_page_numbers(text)
    best: tuple[int, list[Cell], list[TablePiece], str] | None = None
    for method in LATTICE_METHODS:  # fastest first; a slower one only if cells are missing
        cells, pieces = parse_grids(read_grids(path, pages, method))
        # Reading by position (~0.02 s) comes before rendering pages for 'combined' (~1 s).
        cells, pieces = _with_unruled_tables(path, pages, cells, pieces)
        missing = _missing_cell_count(cells)
        if best is None or missing < best[0]:
            best = (missing, cells, pieces, method)
        if missing == 0:
            break
    assert best is not None
    _, cells, pieces, method = best
    if not any(c.table == "application" for c in cells):
        raise UnknownLayout(
            f"table 三 (收到和处理政府信息公开申请情况) not found on pages {pages[0]}–{pages[-1]}, "
            "neither as a ruled table nor by the position of its text"
        )
    return ExtractedReport(
        agency=agency,
        year=year,
        form_rows=form_rows(cells),
        cells=tuple(cells),
        pages=text.pages,
        table_pages=pages,
        method=method,
        pieces=tuple(pieces),
    )


def _with_unruled_tables(
    path: str | Path, pages: tuple[int, ...], cells: list[Cell], pieces: list[TablePiece]
) -> tuple[list[Cell], list[TablePiece]]:
    """Tables lattice found no grid for, read by text position."""
    found = {c.table for c in cells}
    missing = [t for t in READERS if t not in found]
    for table, grids in position_grids(path, pages, missing).items():
        more_cells, more_pieces = parse_table(table, list(grids))
        cells, pieces = cells + more_cells, pieces + more_pieces
    return cells, pieces


def form_rows(cells: list[Cell] | tuple[Cell, ...]) -> int:
    """23 when （六）其他处理 is printed as one row (`3.6`), else 25."""
    return 23 if any(c.table == "application" and c.row == "3.6" for c in cells) else 25


def _missing_cell_count(cells: list[Cell]) -> int:
    rows = ROW_CODES_23 if form_rows(cells) == 23 else ROW_CODES_25
    app = sum(1 for c in cells if c.table == "application" and c.row in rows)
    review = sum(1 for c in cells if c.table == "review")
    return (len(rows) * 7 - app) + (15 - review)
