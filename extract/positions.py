"""The fallback reader: a table printed without rules, read by where its text sits.

camelot's lattice parser needs ruled cells; a table printed with no rules (or rules too faint
to survive) gives it nothing. Such a table is read from pdfium's glyphs instead:

- glyphs are grouped into lines, and a line into chunks wherever a gap is wider than a
  space (a cell's text never holds such a gap; neighbouring cells always do);
- a line with a printed value in it is a data line; the lines above it since the last data
  line are its header, and the lowest header chunk over each stretch of the page is one
  column (the form's spanning headers sit above narrower ones);
- each chunk of a data line goes to the column whose header it sits under. A chunk under
  no header, or under two, is ambiguous: its cell is flagged, never guessed.

The result is a `Grid` like lattice's, so the same table parsers read it, with
`method = "text-position"` recorded for every value. Only tables 二 and 四 are read this
way: table 三's nested, merged and wrapped labels need the rules (see READABLE).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from extract.glyphs import Glyph, glyph_lines, page_glyphs
from extract.labels import PAGE_FOOTER, normalize_label
from extract.tables import TEXT_POSITION, Grid
from extract.values import is_value_like

# The section headings the form prints above each table, and those that end one (normalized).
SECTION_HEADINGS: dict[str, re.Pattern[str]] = {
    "disclosure": re.compile(r"^二、?主动公开政府信息"),
    "application": re.compile(r"^三、?收到和处理政府信息公开申请"),
    "review": re.compile(r"^四、?政府信息公开行政复议"),
    "end": re.compile(r"^[五六]、?(存在的主要问题|其他需要报告)"),
}
# Tables the fallback may read: their rows are one line of label and values under headers.
READABLE: tuple[str, ...] = ("disclosure", "review")
# A gap wider than this share of the font size separates two cells' text. CJK glyphs' advance
# boxes abut, and narrow columns (table 四 at 12 pt) leave ~0.5 em between cells; a space
# (~0.25 em) splits a label too, which is harmless: labels are read with spaces removed.
CHUNK_GAP_SHARE = 0.2
# A value's centre may stray this share of the font size outside its header's extent.
COLUMN_SLACK_SHARE = 0.5
# Pieces read by position are numbered on from here (camelot numbers its own from 1 per page).
FIRST_PIECE = 101


@dataclass(frozen=True)
class Chunk:
    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2

    def overlaps(self, other: Chunk) -> bool:
        return self.left < other.right and other.left < self.right


Line = tuple[Chunk, ...]


def position_grids(
    path: str | Path, pages: Sequence[int], tables: Sequence[str]
) -> dict[str, tuple[Grid, ...]]:
    """table → its pieces read by position on `pages`, for `tables` among READABLE."""
    wanted = [t for t in tables if t in READABLE]
    if not wanted:
        return {}
    doc = pdfium.PdfDocument(str(path))
    try:
        lines = {p: _lines(page_glyphs(doc, p)) for p in pages}
        found: dict[str, tuple[Grid, ...]] = {}
        order = FIRST_PIECE
        for table in wanted:
            grids: list[Grid] = []
            columns: list[Chunk] = []
            for page, region in _regions(lines, table):
                bands, columns = _bands(region, columns)
                if bands:
                    grids.append(_grid(doc, page, order, bands))
                    order += 1
            if grids:
                found[table] = tuple(grids)
        return found
    finally:
        doc.close()


def _lines(glyphs: list[Glyph]) -> list[Line]:
    """The page's lines top-down, each split into chunks at wide gaps."""
    return [_chunks(sorted(row, key=lambda g: g.loose_left)) for row in glyph_lines(glyphs)]


def _chunks(row: list[Glyph]) -> Line:
    groups: list[list[Glyph]] = [[row[0]]]
    for prev, g in zip(row, row[1:], strict=False):
        if g.loose_left - prev.loose_right > CHUNK_GAP_SHARE * g.size:
            groups.append([g])
        else:
            groups[-1].append(g)
    return tuple(
        Chunk(
            "".join(g.text for g in group),
            min(g.loose_left for g in group),
            max(g.loose_right for g in group),
            min(g.loose_bottom for g in group),
            max(g.loose_top for g in group),
            max(g.size for g in group),
        )
        for group in groups
    )


def _text(line: Line) -> str:
    return normalize_label("".join(c.text for c in line))


def _regions(lines: dict[int, list[Line]], table: str) -> Iterator[tuple[int, list[Line]]]:
    """(page, lines) below the table's section heading until the next heading, page by page."""
    inside = False
    for page in sorted(lines):
        region: list[Line] = []
        for line in lines[page]:
            text = _text(line)
            heading = next((t for t, p in SECTION_HEADINGS.items() if p.match(text)), None)
            if heading is not None:
                if inside and region:
                    yield page, region
                if inside:
                    return
                inside, region = heading == table, []
            elif inside and not (len(line) == 1 and PAGE_FOOTER.match(text)):
                region.append(line)
        if inside and region:
            yield page, region


def _is_data(line: Line) -> bool:
    """A line printing a value (a number or a zero mark) is a row of the table's data."""
    return any(is_value_like(c.text) for c in line)


Band = tuple[list[Chunk], list[Line]]  # columns, and the lines read under them


def _grid(doc: pdfium.PdfDocument, page: int, order: int, bands: list[Band]) -> Grid:
    """One page's piece of the table, each cell read twice: the chunks placed under its
    column, and pdfium's own text inside those chunks' boxes."""
    placed = place_chunks(bands)
    textpage = doc[page - 1].get_textpage()
    try:
        second = tuple(tuple(_bounded(textpage, cell) for cell in row) for row in placed.cells)
    finally:
        textpage.close()
    return Grid(
        page=page,
        order=order,
        rows=placed.rows,
        second_rows=second,
        ambiguous=placed.ambiguous,
        covered=frozenset(),
        method=TEXT_POSITION,
        accuracy=None,
        whitespace=None,
        confidence=None,
    )


@dataclass(frozen=True)
class Placed:
    cells: tuple[tuple[tuple[Chunk, ...], ...], ...]  # row → column → its chunks
    ambiguous: frozenset[tuple[int, int]]

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(" ".join(c.text for c in cell) for cell in row) for row in self.cells)


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
                c = _column(columns, chunk)
                if c is None:
                    c = _nearest(columns, chunk)
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
        if not _is_data(line):
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
    chunks = [c for line in header if len(line) > 1 for c in line]
    lowest = [
        c
        for c in chunks
        if not any(o is not c and o.overlaps(c) and o.top <= c.bottom for o in chunks)
    ]
    return sorted(lowest, key=lambda c: c.left)


def _column(columns: list[Chunk], chunk: Chunk) -> int | None:
    """The one column whose header the chunk's centre sits under, if exactly one."""
    slack = COLUMN_SLACK_SHARE * chunk.size
    under = [
        i for i, col in enumerate(columns) if col.left - slack <= chunk.centre <= col.right + slack
    ]
    return under[0] if len(under) == 1 else None


def _nearest(columns: list[Chunk], chunk: Chunk) -> int:
    return min(range(len(columns)), key=lambda i: abs(columns[i].centre - chunk.centre))


def _bounded(textpage: pdfium.PdfTextPage, chunks: Sequence[Chunk]) -> str:
    """pdfium's own text inside the chunks' boxes: the second reading of a cell."""
    return " ".join(
        textpage.get_text_bounded(c.left, c.bottom, c.right, c.top).strip() for c in chunks
    )
