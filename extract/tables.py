"""Ruled grids from camelot's lattice parser, their cells read twice, as plain data."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import camelot
import pypdfium2 as pdfium

from extract.glyphs import page_glyphs, read_cells
from nianbao.errors import UnreadablePdf

# Fastest first: 'vector' reads the PDF's own ruled strokes without rendering the page
# (measured 0.065–0.09 s/page vs 0.28–0.32 for the raster default, same cells); 'combined'
# also renders the page, for tables whose rules are drawn faintly or as images.
# boxes_flow=None skips the layout's reading-order pass over text boxes, which lattice does
# not use (it places text lines by position): extraction of the corpus and the real reports
# took 2.75 s instead of 4.67 s, with every value, camelot text and parsing report the same.
_LAYOUT = {"boxes_flow": None}
LATTICE_METHODS: dict[str, dict[str, object]] = {
    "lattice-vector": {"flavor": "lattice", "engine": "vector", "layout_kwargs": _LAYOUT},
    "lattice-combined": {"flavor": "lattice", "engine": "combined", "layout_kwargs": _LAYOUT},
}


# A table printed without rules, which lattice cannot see, is read by text position instead
# (extract/positions.py).
TEXT_POSITION = "text-position"


@dataclass(frozen=True)
class Grid:
    """One table piece on a page, with each cell's text read twice.

    `rows` is the glyph reading (pdfium glyph centres inside the cell boxes), the one nianbao
    trusts; `second_rows` is a second reader's text for the same cells, kept to compare:
    camelot's own for a ruled grid, pdfium's bounded text for one read by position.
    """

    page: int
    order: int
    rows: tuple[tuple[str, ...], ...]
    second_rows: tuple[tuple[str, ...], ...]
    ambiguous: frozenset[tuple[int, int]]
    covered: frozenset[tuple[int, int]]
    method: str
    accuracy: float | None  # camelot's parsing report; None for a grid read by position
    whitespace: float | None
    confidence: float | None

    @property
    def ncols(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def read_grids(path: str | Path, pages: tuple[int, ...], method: str) -> tuple[Grid, ...]:
    """All ruled tables on `pages`, in reading order (page, then camelot's order)."""
    kwargs = LATTICE_METHODS[method]
    page_list = ",".join(str(p) for p in pages)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tables = camelot.read_pdf(str(path), pages=page_list, suppress_stdout=True, **kwargs)
    except Exception as err:  # camelot raises bare Exceptions for broken files
        raise UnreadablePdf(f"camelot could not read pages {page_list}: {err}") from err
    doc = pdfium.PdfDocument(str(path))
    try:
        glyphs = {p: page_glyphs(doc, p) for p in {int(t.parsing_report["page"]) for t in tables}}
    finally:
        doc.close()
    grids = [_grid(t, method, glyphs[int(t.parsing_report["page"])]) for t in tables]
    return tuple(sorted(grids, key=lambda g: (g.page, g.order)))


def _grid(table: camelot.core.Table, method: str, glyphs: list) -> Grid:
    report = table.parsing_report
    reading = read_cells(glyphs, list(table.rows), list(table.cols), table.cells)
    camelot_rows = tuple(tuple(str(v) for v in row) for row in table.df.itertuples(index=False))
    return Grid(
        page=int(report["page"]),
        order=int(report["order"]),
        rows=reading.rows,
        second_rows=camelot_rows,
        ambiguous=reading.ambiguous,
        covered=reading.covered,
        method=method,
        accuracy=float(report["accuracy"]),
        whitespace=float(report["whitespace"]),
        confidence=float(report.get("confidence", 0.0)),
    )
