"""One PDF → one ExtractedReport (or a TerminalError saying why not)."""

from __future__ import annotations

from pathlib import Path

from extract.layout import Parsed, parse_grids, parse_table
from extract.pdf import check_form_version, find_title, read_pdf_text, table_page_numbers
from extract.positions import READERS, position_grids
from extract.tables import LATTICE_METHODS, read_grids
from nianbao.errors import UnknownLayout
from nianbao.form import APPLICANT_CODES, REVIEW_CELLS, ROW_CODES_23, ROW_CODES_25
from nianbao.records import Cell, ExtractedReport, UnreadTable


def extract_report(path: str | Path) -> ExtractedReport:
    text = read_pdf_text(path)
    agency, year = find_title(text)
    check_form_version(text, tuple(range(1, text.pages + 1)))
    pages = table_page_numbers(text)
    best: tuple[int, Parsed, str] | None = None
    for method in LATTICE_METHODS:  # fastest first; a slower one only if cells are missing
        parsed = parse_grids(read_grids(path, pages, method))
        # Reading by position (~0.02 s) comes before rendering pages for 'combined' (~1 s).
        parsed = _with_unruled_tables(path, pages, parsed)
        missing = _missing_cell_count(parsed[0])
        if best is None or missing < best[0]:
            best = (missing, parsed, method)
        if missing == 0:
            break
    assert best is not None
    _, (cells, pieces, unread), method = best
    if not any(c.table == "application" for c in cells) and not unread:
        unread = [UnreadTable("application", _not_found(pages))]
    if not cells:  # no table of the form placed: nothing of this report can be loaded
        raise UnknownLayout("; ".join(u.reason for u in unread))
    return ExtractedReport(
        agency=agency,
        year=year,
        form_rows=form_rows(cells),
        cells=tuple(cells),
        pages=text.pages,
        table_pages=pages,
        method=method,
        pieces=tuple(pieces),
        unread=tuple(unread),
    )


def _not_found(pages: tuple[int, ...]) -> str:
    return (
        f"table 三 (收到和处理政府信息公开申请情况) not found on pages {pages[0]}–{pages[-1]}, "
        "neither as a ruled table nor by the position of its text"
    )


def _with_unruled_tables(path: str | Path, pages: tuple[int, ...], parsed: Parsed) -> Parsed:
    """Tables lattice found no grid for, or could not place, read by text position. A table
    neither reading places keeps both reasons."""
    cells, pieces, unread = parsed
    found = {c.table for c in cells}
    missing = [t for t in READERS if t not in found]
    for table, grids in position_grids(path, pages, missing).items():
        more_cells, more_pieces, refused = parse_table(table, list(grids))
        if more_cells:
            unread = [u for u in unread if u.table != table]
        elif refused:
            earlier = [u.reason for u in unread if u.table == table]
            reason = "; ".join([*earlier, f"read by text position: {refused[0].reason}"])
            unread = [u for u in unread if u.table != table] + [UnreadTable(table, reason)]
        cells, pieces = cells + more_cells, pieces + more_pieces
    return cells, pieces, unread


def form_rows(cells: list[Cell] | tuple[Cell, ...]) -> int:
    """23 when （六）其他处理 is printed as one row (`3.6`), else 25."""
    return len(_row_codes(cells))


def _row_codes(cells: list[Cell] | tuple[Cell, ...]) -> tuple[str, ...]:
    one_row = any(c.table == "application" and c.row == "3.6" for c in cells)
    return ROW_CODES_23 if one_row else ROW_CODES_25


def _missing_cell_count(cells: list[Cell]) -> int:
    rows = _row_codes(cells)
    app = sum(1 for c in cells if c.table == "application" and c.row in rows)
    review = sum(1 for c in cells if c.table == "review")
    return (len(rows) * len(APPLICANT_CODES) - app) + (REVIEW_CELLS - review)
