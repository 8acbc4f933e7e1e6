"""The fallback reader: a table printed without rules, read by where its text sits.

camelot's lattice parser needs ruled cells; a table printed with no rules (or rules too faint
to survive) gives it nothing. Such a table is read from pdfium's glyphs instead, as lines of
chunks (extract/chunks.py), by the reader its shape needs (READERS):

- tables 二 and 四 (banded): a line with a printed value in it is a data line; the lines
  above it since the last data line are its header, and the lowest header chunk over each
  stretch of the page is one column. Each chunk of a data line goes to the column whose
  header it sits under;
- table 三 (extract/position_rows.py): its labels are nested, merged and wrapped, so its
  rows are anchored on the lines of values and its labels gathered around them.

A chunk under no header, or under two, is ambiguous: its cell is flagged, never guessed. The
result is a `Grid` like lattice's, so the same table parsers read it, with
`method = "text-position"` recorded for every value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pypdfium2 as pdfium

from extract.chunks import (
    Chunk,
    Line,
    Placed,
    column_of,
    is_data,
    lowest_heads,
    nearest_column,
    page_lines,
    placed_grid,
    table_regions,
)
from extract.glyphs import page_glyphs
from extract.grid import Grid
from extract.position_rows import application_pieces
from extract.values import is_value_like
from nianbao.form import REVIEW_CELLS

# Pieces read by position are numbered on from here (camelot numbers its own from 1 per page).
FIRST_PIECE = 101

Regions = Iterable[tuple[int, list[Line]]]  # (page, the table's lines on it)


def banded_pieces(regions: Regions) -> list[tuple[int, Placed]]:
    """(page, placed cells) of a table whose rows are a label and values under headers."""
    pieces: list[tuple[int, Placed]] = []
    columns: list[Chunk] = []
    for page, region in regions:
        bands, columns = _bands(region, columns)
        if bands:
            pieces.append((page, place_chunks(bands)))
    return pieces


def review_pieces(regions: Regions) -> list[tuple[int, Placed]]:
    """Table 四: when its one line of values prints the form's 15 values, those are its 15
    columns (position and count; its wrapped, stacked heads then only have to agree, as the
    parser checks), the heads placed over them. Otherwise read as any banded table."""
    pieces: list[tuple[int, Placed]] = []
    carried: list[Chunk] = []
    heads_before: list[Line] = []  # a page that printed the heads and left the values to the next
    for page, found in regions:
        region = [*heads_before, *found]
        heads_before = [] if any(is_data(line) for line in found) else list(found)
        full = [line for line in region if _fifteen_values(line)]
        if len(full) == 1:
            columns = sorted(full[0], key=lambda c: c.left)
            pieces.append((page, place_chunks([(columns, region)])))
            continue
        bands, carried = _bands(found, carried)
        if bands:
            pieces.append((page, place_chunks(bands)))
    return pieces


def _fifteen_values(line: Line) -> bool:
    return len(line) == REVIEW_CELLS and all(is_value_like(c.text) for c in line)


READERS: dict[str, Callable[[Regions], list[tuple[int, Placed]]]] = {
    "disclosure": banded_pieces,
    "application": application_pieces,
    "review": review_pieces,
}


def position_grids(
    path: str | Path, pages: Sequence[int], tables: Sequence[str]
) -> dict[str, tuple[Grid, ...]]:
    """table → its pieces read by position on `pages`."""
    if not tables:
        return {}
    doc = pdfium.PdfDocument(str(path))
    try:
        lines = {p: page_lines(page_glyphs(doc, p)) for p in pages}
        return gridded(
            placed_pieces(lines, tables),
            lambda page, order, placed: placed_grid(doc, page, order, placed),
        )
    finally:
        doc.close()


def placed_pieces(
    lines: dict[int, list[Line]], tables: Sequence[str]
) -> dict[str, list[tuple[int, Placed]]]:
    """table → (page, its placed cells) of each piece, from the pages' lines of text (a PDF's
    glyphs, or a scan's OCR boxes)."""
    return {table: READERS[table](table_regions(lines, table)) for table in tables}


def gridded(
    pieces: dict[str, list[tuple[int, Placed]]], grid: Callable[[int, int, Placed], Grid]
) -> dict[str, tuple[Grid, ...]]:
    """The pieces as grids, `grid(page, order, placed)` reading each cell a second time,
    numbered on from FIRST_PIECE."""
    found: dict[str, tuple[Grid, ...]] = {}
    order = FIRST_PIECE
    for table, placed in pieces.items():
        grids = [grid(page, order + i, p) for i, (page, p) in enumerate(placed)]
        order += len(grids)
        if grids:
            found[table] = tuple(grids)
    return found


Band = tuple[list[Chunk], list[Line]]  # columns, and the lines read under them


def place_chunks(bands: list[Band]) -> Placed:
    """Every chunk under its column; a chunk under no column head or under two, or two
    chunks under one head in a row, make their cell ambiguous."""
    width = max(len(columns) for columns, _ in bands)
    rows: list[tuple[tuple[Chunk, ...], ...]] = []
    ambiguous: set[tuple[int, int]] = set()
    for columns, lines in bands:
        for line in lines:
            cells: list[list[Chunk]] = [[] for _ in range(width)]
            for chunk in line:
                c = column_of(columns, chunk)
                if c is None:
                    c = nearest_column(columns, chunk)
                    ambiguous.add((len(rows), c))
                cells[c].append(chunk)
            ambiguous.update((len(rows), c) for c, cell in enumerate(cells) if len(cell) > 1)
            rows.append(tuple(tuple(cell) for cell in cells))
    return Placed(tuple(rows), frozenset(ambiguous))


def _bands(region: list[Line], carried: list[Chunk]) -> tuple[list[Band], list[Chunk]]:
    """The region's stretches: header lines, then the data lines under them; and the columns
    in force at its end (a table broken across pages goes on under the same columns).

    Header lines are rows of the grid too, each under the columns it heads.
    """
    bands: list[Band] = []
    columns = carried
    header: list[Line] = []
    lines: list[Line] = []
    for line in region:
        if not is_data(line):
            header.append(line)
            continue
        if header:
            if lines and columns:
                bands.append((columns, lines))
            columns, lines, header = _columns(header) or columns, [*header], []
        lines.append(line)
    if lines and columns:
        bands.append((columns, lines))
    return bands, columns


def _columns(header: list[Line]) -> list[Chunk]:
    """The lowest header chunk over each stretch of the page, left to right."""
    # A line of one chunk is a title across the whole table (第二十条第（五）项), no column head.
    return lowest_heads([c for line in header if len(line) > 1 for c in line])
