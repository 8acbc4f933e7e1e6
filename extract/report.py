"""One report file → one ExtractedReport (or a TerminalError saying why not).

The file's format is told by its first bytes, not its name or the server's Content-Type
(portals label a PDF text/html and a page application/octet-stream); each format has one
reader in FORMATS, and all of them hand grids to the same form-anchored parsers."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from extract.formats import file_format
from extract.grid import DOCX_METHOD, HTML_METHOD, OCR_METHOD, Grid
from extract.html import read_html
from extract.layout import Parsed, classify_grid, parse_grids, parse_table
from extract.ocr import read_scan, unruled_grids
from extract.ofd import OFD_PREFIX, ofd_as_pdf
from extract.pdf import (
    NO_TITLE,
    PdfText,
    check_form_text,
    check_form_version,
    find_title,
    read_pdf_text,
    table_page_numbers,
)
from extract.positions import READERS, position_grids
from extract.prose import stated_applications
from extract.sums import refuse_unconfirmed
from extract.tables import LATTICE_METHODS, read_grids
from extract.titles import title_in_lines
from extract.word import WordDocument, read_docx, read_word97
from nianbao.errors import NotAPdf, NoTextLayer, UnknownLayout
from nianbao.form import APPLICANT_CODES, REVIEW_CELLS, ROW_CODES_23, ROW_CODES_25
from nianbao.records import Cell, ExtractedReport, UnreadTable


def extract_report(path: str | Path) -> ExtractedReport:
    path = Path(path)
    return FORMATS[file_format(path)](path)


def _pdf_report(path: Path) -> ExtractedReport:
    try:
        text = read_pdf_text(path)
    except NoTextLayer:
        return _scanned_report(path)
    agency, year = find_title(text)
    check_form_version(text)
    pages = table_page_numbers(text)
    best: tuple[int, Parsed, str] | None = None
    for method in LATTICE_METHODS:  # fastest first; a slower one only if cells are missing
        parsed = parse_grids(read_grids(path, pages, method))
        # Reading by position (cheap) comes before rendering pages for 'combined' (dear).
        parsed = _with_unruled_tables(parsed, lambda missing: position_grids(path, pages, missing))
        missing = _missing_cell_count(parsed[0])
        if best is None or missing < best[0]:
            best = (missing, parsed, method)
        if missing == 0:
            break
    assert best is not None
    _, parsed, method = best
    return _report(agency, year, parsed, text.page_texts, pages, method)


def _html_report(path: Path) -> ExtractedReport:
    """A report published as a web page: the title from the page's own title or heading,
    the tables from its <table>s."""
    page = read_html(path.read_bytes())
    if not any(classify_grid(grid) for grid in page.grids):
        titled = f" titled {page.titles[0]!r}" if page.titles else ""
        raise NotAPdf(
            f"not a PDF, and not a report page: an HTML page{titled} holding none of the "
            "form's tables (an error page served in the file's place?)"
        )
    found = title_in_lines([*page.titles, *page.text.splitlines()[:40]])
    if found is None:
        raise UnknownLayout(NO_TITLE.replace("on the first pages", "on the page"))
    check_form_text(page.text)
    return _report(*found, parse_grids(page.grids), [page.text], (1,), HTML_METHOD)


def _scanned_report(path: Path) -> ExtractedReport:
    """A PDF of page images, read by OCR: its ruled tables by their grid, the others by
    where their text sits, a value of 三 or 四 that no sum of the form confirms refused
    (extract/sums.py); quarantined with the reason when it cannot be read."""
    pages, grids, again = read_scan(path)
    texts = [p.text for p in pages]
    found = find_title(PdfText(str(path), tuple(texts)))
    check_form_text("".join(texts))
    parsed = _with_unruled_tables(
        parse_grids(grids), lambda missing: unruled_grids(path, pages, again, missing)
    )
    cells, pieces, unread = parsed
    parsed = refuse_unconfirmed(cells, form_rows(cells)), pieces, unread
    placed = {c.page for c in cells}
    table_pages = tuple(sorted({g.page for g in grids} | placed)) or (pages[0].number,)
    return _report(*found, parsed, texts, table_pages, OCR_METHOD)


def _word_report(path: Path) -> ExtractedReport:
    return _word_document_report(read_docx(path))


def _word97_report(path: Path) -> ExtractedReport:
    return _word_document_report(read_word97(path))


def _word_document_report(document: WordDocument) -> ExtractedReport:
    found = title_in_lines(list(document.titles))
    if found is None:
        raise UnknownLayout(
            NO_TITLE.replace("on the first pages", "in the Word file's first lines")
        )
    check_form_text(document.text)
    return _report(*found, parse_grids(document.grids), [document.text], (1,), DOCX_METHOD)


def _ofd_report(path: Path) -> ExtractedReport:
    """An OFD report, drawn as a PDF where each character and rule is where the OFD puts
    it (extract/ofd.py), then read by the PDF readers; its method says so ('ofd-lattice-vector')."""
    with tempfile.TemporaryDirectory(prefix="nianbao-ofd-") as folder:
        report = _pdf_report(ofd_as_pdf(path, Path(folder) / f"{path.stem}.pdf"))
    return replace(report, method=f"{OFD_PREFIX}{report.method}")


# One reader per format (formats.file_format names them); all end in the same parsers.
FORMATS: dict[str, Callable[[Path], ExtractedReport]] = {
    "pdf": _pdf_report,
    "html": _html_report,
    "docx": _word_report,
    "word97": _word97_report,
    "ofd": _ofd_report,
}


def _report(
    agency: str,
    year: int,
    parsed: Parsed,
    page_texts: Sequence[str],
    table_pages: tuple[int, ...],
    method: str,
) -> ExtractedReport:
    """The report of a reader's title, tables and text (a page's text each: the prose's
    stated application counts come from them, R8)."""
    cells, pieces, unread = parsed
    placed_or_refused = {c.table for c in cells} | {u.table for u in unread}
    if "application" not in placed_or_refused:
        unread = [*unread, UnreadTable("application", _not_found(table_pages, method))]
    if not cells:  # no table of the form placed: nothing of this report can be loaded
        raise UnknownLayout("; ".join(u.reason for u in unread))
    return ExtractedReport(
        agency=agency,
        year=year,
        form_rows=form_rows(cells),
        cells=tuple(cells),
        pages=len(page_texts),
        table_pages=table_pages,
        method=method,
        pieces=tuple(pieces),
        unread=tuple(unread),
        stated=stated_applications(page_texts),
    )


def _not_found(pages: tuple[int, ...], method: str) -> str:
    how = {
        OCR_METHOD: "on the scanned pages, neither as a ruled table nor by where OCR found "
        "its text",
        HTML_METHOD: "among the page's tables",
        DOCX_METHOD: "among the Word file's tables",
    }.get(method, "neither as a ruled table nor by the position of its text")
    return f"table 三 (收到和处理政府信息公开申请情况) not found on pages {pages[0]}–{pages[-1]}, {how}"


def _with_unruled_tables(
    parsed: Parsed, read_by_position: Callable[[list[str]], dict[str, tuple[Grid, ...]]]
) -> Parsed:
    """Tables no ruled grid gave, or that could not be placed from one, read by where their
    text sits. A table neither reading places keeps both reasons."""
    cells, pieces, unread = parsed
    found = {c.table for c in cells}
    missing = [t for t in READERS if t not in found]
    for table, grids in (read_by_position(missing) if missing else {}).items():
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
