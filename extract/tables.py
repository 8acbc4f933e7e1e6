"""Ruled grids from camelot's lattice parser, their cells read twice, as plain data."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import camelot
import pypdfium2 as pdfium
from camelot.handlers import PARSERS, PDFHandler
from camelot.parsers import Lattice

from extract.glyphs import page_glyphs, read_cells
from extract.grid import CellEdges, Grid
from nianbao.errors import UnreadablePdf

# Fastest first: 'vector' reads the PDF's own ruled strokes without rendering the page
# (about a quarter of the raster default's time, same cells: bench/extract.py); 'combined'
# also renders the page, for tables whose rules are drawn faintly or as images.
# boxes_flow=None skips the layout's reading-order pass over text boxes, which lattice does
# not use (it places text lines by position): extraction of the corpus and the real reports
# took 2.75 s instead of 4.67 s, with every value, camelot text and parsing report the same.
_LAYOUT = {"boxes_flow": None}
LATTICE_METHODS: dict[str, dict[str, Any]] = {
    "lattice-vector": {"engine": "vector", "layout_kwargs": _LAYOUT},
    "lattice-combined": {"engine": "combined", "layout_kwargs": _LAYOUT},
}


class _KeptLattice(Lattice):
    """camelot's lattice parser without its precision gate, which drops a ruled grid whose
    cells are 90 % empty by camelot's own placing of text. That placing puts the text of some
    CFF fonts a row low, so a row of table 四's values carried onto the next page, or a table
    printing blanks for its zeros, vanished. nianbao reads the cells itself and takes a grid
    only when its text names a table of the form: an empty grid costs nothing."""

    def _reject_table(self, table: camelot.core.Table) -> bool:
        return False


# camelot chooses a parser by flavor name from its registry; ours is registered beside its own.
_FLAVOR = "lattice-kept"
PARSERS.setdefault(_FLAVOR, _KeptLattice)


# Two rules meant as one but drawn a little apart (a row's cell borders dragged in Word, a
# LaTeX \multicolumn's bar beside the column's) make a column or row too narrow to hold a
# character: it is part of its neighbour, and either rule is the boundary.
SLIVER_PT = 4.0


def _without_slivers(
    rows: list[tuple[float, float]],
    cols: list[tuple[float, float]],
    cells: list[list[CellEdges]],
    texts: list[list[str]],
) -> tuple[list, list, list[list[CellEdges]], list[list[str]]]:
    """camelot's grid with every sliver column joined to the column after it (the last to the
    one before), then every sliver row likewise: rows top-down as (top, bottom)."""
    cols, cells, texts = _sliver_columns_joined(cols, cells, texts)
    rows, turned, down = _sliver_columns_joined(rows, _turned(cells), _transposed(texts))
    return rows, cols, _turned(turned), _transposed(down)


def _sliver_columns_joined(
    spans: list[tuple[float, float]], cells: list[list[CellEdges]], texts: list[list[str]]
) -> tuple[list[tuple[float, float]], list[list[CellEdges]], list[list[str]]]:
    sliver = next((i for i, (a, b) in enumerate(spans) if abs(b - a) < SLIVER_PT), None)
    if sliver is None or len(spans) < 2:
        return spans, cells, texts
    i, j = (sliver, sliver + 1) if sliver + 1 < len(spans) else (sliver - 1, sliver)
    spans = [*spans[:i], (spans[i][0], spans[j][1]), *spans[j + 1 :]]
    cells = [[*r[:i], _joined(r[i], r[j], sliver_first=i == sliver), *r[j + 1 :]] for r in cells]
    texts = [[*t[:i], t[i] + t[j], *t[j + 1 :]] for t in texts]
    return _sliver_columns_joined(spans, cells, texts)


def _transposed(grid: list[list[str]]) -> list[list[str]]:
    return [list(col) for col in zip(*grid, strict=True)]


def _turned(cells: list[list[CellEdges]]) -> list[list[CellEdges]]:
    """Rows as columns, each cell's edges turned with it (its top is now its left)."""
    return [
        [CellEdges(c.top, c.bottom, c.left, c.right) for c in col]
        for col in zip(*cells, strict=True)
    ]


def _joined(first: CellEdges, second: CellEdges, *, sliver_first: bool) -> CellEdges:
    """One cell from two side by side, one of them a sliver: a rule at either of the
    sliver's two near lines bounds the joined cell on that side."""
    left = first.left or first.right if sliver_first else first.left
    right = second.right if sliver_first else second.left or second.right
    return CellEdges(left, right, first.top or second.top, first.bottom or second.bottom)


def read_grids(path: str | Path, pages: tuple[int, ...], method: str) -> tuple[Grid, ...]:
    """All ruled tables on `pages`, in reading order (page, then camelot's order)."""
    kwargs = LATTICE_METHODS[method]
    page_list = ",".join(str(p) for p in pages)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with PDFHandler(str(path), pages=page_list) as handler:
                tables = handler.parse(flavor=_FLAVOR, suppress_stdout=True, **kwargs)
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
    rows, cols, cells, texts = _without_slivers(
        list(table.rows),
        list(table.cols),
        [[CellEdges(c.left, c.right, c.top, c.bottom) for c in row] for row in table.cells],
        [[str(v) for v in row] for row in table.df.itertuples(index=False)],
    )
    reading = read_cells(glyphs, rows, cols, cells)
    camelot_rows = tuple(tuple(row) for row in texts)
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
