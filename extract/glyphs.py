"""The second reader: each cell's text from pdfium's glyph boxes inside camelot's ruled cells.

camelot places text by pdfminer's line boxes, which come from the font's declared ascent and
descent; with some embedded OpenType (CFF) CJK fonts, and at wrapped labels, those boxes sit
about a line off and text lands in the row below. pdfium reports each glyph's drawn outline,
so the centre of a glyph is where a reader sees it. A glyph whose centre lies too close to a
rule to say which cell it belongs to makes its cell ambiguous: never guessed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium

# A glyph centre closer to a rule than this share of the glyph's size is not placed.
AMBIGUOUS_SHARE = 0.15
# A gap between advance boxes wider than this share of the font size is a space.
WORD_GAP_SHARE = 0.3


@dataclass(frozen=True)
class Glyph:
    """A glyph's drawn box (where it is) and its loose box (the font's advance and line box,
    shared by every glyph of a line: what lines and word gaps are judged by)."""

    text: str
    left: float
    bottom: float
    right: float
    top: float
    loose_left: float
    loose_bottom: float
    loose_right: float
    loose_top: float

    @property
    def line_y(self) -> float:
        return (self.loose_bottom + self.loose_top) / 2

    @property
    def size(self) -> float:
        return max(self.loose_top - self.loose_bottom, 1.0)

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.bottom + self.top) / 2

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)

    @property
    def width(self) -> float:
        return max(self.right - self.left, 1.0)


def page_glyphs(doc: pdfium.PdfDocument, page_number: int) -> list[Glyph]:
    """Visible glyphs of a 1-based page, in PDF user space (origin bottom-left)."""
    page = doc[page_number - 1]
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count)
        if len(text) != count:  # a character outside the BMP: one UTF-16 pair, two chars
            text = "".join(textpage.get_text_range(i, 1) or " " for i in range(count))
        glyphs = []
        for i, char in enumerate(text):
            if not char.strip():
                continue
            box = textpage.get_charbox(i)
            loose = textpage.get_charbox(i, loose=True)
            glyphs.append(Glyph(char, *box, *loose))
        return glyphs
    finally:
        textpage.close()
        page.close()


@dataclass(frozen=True)
class CellReading:
    rows: tuple[tuple[str, ...], ...]
    ambiguous: frozenset[tuple[int, int]]  # (row, col) with a glyph on a rule
    covered: frozenset[tuple[int, int]]  # merged into the cell above or to the left


class _Regions:
    """Merged cells: cells joined where camelot found no rule between them."""

    def __init__(self, nrows: int, ncols: int) -> None:
        self.parent = {(r, c): (r, c) for r in range(nrows) for c in range(ncols)}

    def find(self, cell: tuple[int, int]) -> tuple[int, int]:
        while self.parent[cell] != cell:
            self.parent[cell] = self.parent[self.parent[cell]]
            cell = self.parent[cell]
        return cell

    def join(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the top-left cell names the region


def merged_regions(cells: Sequence[Sequence[Any]]) -> _Regions:
    nrows, ncols = len(cells), len(cells[0]) if cells else 0
    regions = _Regions(nrows, ncols)
    for r in range(nrows):
        for c in range(ncols):
            cell = cells[r][c]
            if c + 1 < ncols and not (cell.right or cells[r][c + 1].left):
                regions.join((r, c), (r, c + 1))
            if r + 1 < nrows and not (cell.bottom or cells[r + 1][c].top):
                regions.join((r, c), (r + 1, c))
    return regions


def read_cells(
    glyphs: list[Glyph],
    rows: list[tuple[float, float]],
    cols: list[tuple[float, float]],
    cells: Sequence[Sequence[Any]] | None = None,
) -> CellReading:
    """Text of every cell of a grid (camelot's `rows` top-down as (top, bottom), `cols` as
    (left, right), `cells` with their rule flags), from the glyphs whose centres fall inside.

    The text of a merged cell is given to its top-left cell; the others are `covered`.
    """
    regions = merged_regions(cells) if cells else _Regions(len(rows), len(cols))
    row_edges = sorted({y for r in rows for y in r})  # ascending y
    col_edges = sorted({x for c in cols for x in c})
    top, bottom = max(row_edges), min(row_edges)
    left, right = min(col_edges), max(col_edges)
    buckets: dict[tuple[int, int], list[Glyph]] = {}
    ambiguous: set[tuple[int, int]] = set()
    for g in glyphs:
        if not (bottom < g.cy < top and left < g.cx < right):
            continue
        r = _row_index(rows, g.cy)
        c = _col_index(cols, g.cx)
        if r is None or c is None:
            continue
        region = regions.find((r, c))
        buckets.setdefault(region, []).append(g)
        if _near_edge(row_edges, g.cy, g.height) or _near_edge(col_edges, g.cx, g.width):
            ambiguous.add(region)
    texts = tuple(
        tuple(
            _cell_text(buckets.get((r, c), []), cols[c][1] - cols[c][0]) for c in range(len(cols))
        )
        for r in range(len(rows))
    )
    covered = frozenset(cell for cell in regions.parent if regions.find(cell) != cell)
    return CellReading(texts, frozenset(ambiguous), covered)


def _row_index(rows: list[tuple[float, float]], y: float) -> int | None:
    for i, (top, bottom) in enumerate(rows):
        if bottom <= y <= top:
            return i
    return None


def _col_index(cols: list[tuple[float, float]], x: float) -> int | None:
    for i, (left, right) in enumerate(cols):
        if left <= x <= right:
            return i
    return None


def _near_edge(edges: list[float], v: float, size: float) -> bool:
    i = bisect.bisect_left(edges, v)
    nearest = min(abs(v - edges[j]) for j in (i - 1, i) if 0 <= j < len(edges))
    return nearest < AMBIGUOUS_SHARE * size


def glyph_lines(glyphs: list[Glyph], share: float = 0.5) -> list[list[Glyph]]:
    """Glyphs grouped into lines, top-down: those whose line boxes sit within `share` of a
    line (half a line inside one cell, where wrapped lines are a whole line apart)."""
    lines: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: -g.line_y):
        if lines and abs(lines[-1][0].line_y - g.line_y) < share * g.size:
            lines[-1].append(g)
        else:
            lines.append([g])
    return lines


_NUMERIC_LINE = re.compile(r"^[\d,.，．]+$")


def _cell_text(glyphs: list[Glyph], width: float) -> str:
    """Glyphs grouped into lines (top-down) and words (a wide gap is a space).

    A number too wide for its cell wraps onto a second line (1,38 / 3): the lines of a value
    cell are joined back when every line is digits and the wrapped lines fill the cell.
    """
    if not glyphs:
        return ""
    lines = glyph_lines(glyphs)
    texts = [_line_text(line) for line in lines]
    if len(texts) > 1 and all(_NUMERIC_LINE.match(t) for t in texts):
        widths = [
            max(g.loose_right for g in line) - min(g.loose_left for g in line) for line in lines
        ]
        if all(w >= 0.5 * width for w in widths[:-1]):
            return "".join(texts)
    return "\n".join(texts)


def _line_text(line: list[Glyph]) -> str:
    line = sorted(line, key=lambda g: g.loose_left)
    out = [line[0].text]
    for prev, g in zip(line, line[1:], strict=False):
        if g.loose_left - prev.loose_right > WORD_GAP_SHARE * g.size:
            out.append(" ")
        out.append(g.text)
    return "".join(out)
