"""A page's text as lines of chunks: what the readers by position (extract/positions.py,
extract/position_rows.py) place under column heads.

Glyphs are grouped into lines, and a line into chunks wherever a gap is wider than a space
(a cell's text never holds such a gap; neighbouring cells always do).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

from extract.glyphs import Glyph, glyph_lines
from extract.grid import TEXT_POSITION, Grid
from extract.labels import PAGE_FOOTER, normalize_label
from extract.values import is_value_like

# The section headings the form prints above each table, and those that end one (normalized).
SECTION_HEADINGS: dict[str, re.Pattern[str]] = {
    "disclosure": re.compile(r"^二、?主动公开政府信息"),
    "application": re.compile(r"^三、?收到和处理政府信息公开申请"),
    "review": re.compile(r"^四、?政府信息公开行政复议"),
    "end": re.compile(r"^[五六]、?(存在的主要问题|其他需要报告)"),
}
# A gap wider than this share of the font size separates two cells' text. CJK glyphs' advance
# boxes abut, and narrow columns (table 四 at 12 pt) leave ~0.5 em between cells; a space
# (~0.25 em) splits a label too, which is harmless: labels are read with spaces removed.
CHUNK_GAP_SHARE = 0.2
# A value's centre may stray this share of the font size outside its header's extent.
COLUMN_SLACK_SHARE = 0.5


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

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2

    def overlaps(self, other: Chunk) -> bool:
        return self.left < other.right and other.left < self.right

    def overlaps_line(self, other: Chunk) -> bool:
        """On one printed line: each one's middle inside the other's height."""
        return self.bottom < other.middle < self.top and other.bottom < self.middle < other.top


Line = tuple[Chunk, ...]


# Glyphs of one printed line share their line box to a fraction of a point; a merged label
# beside wrapped ones (（五）不予处理 next to 3、要求提供公开出 / 版物) sits half a line off.
LINE_SHARE = 0.3


def page_lines(glyphs: list[Glyph]) -> list[Line]:
    """The page's lines top-down, each split into chunks at wide gaps."""
    rows = glyph_lines(glyphs, LINE_SHARE)
    return [_chunks(sorted(row, key=lambda g: g.loose_left)) for row in rows]


# Table 三's vertical heading (三、本年度办理结果, a character a line) can sit so close to the
# group labels beside it that a line reads "本（二）部分公开…" or "三、(" + "一)予以公开": the
# heading's character, then a label that starts with the form's bracketed numbering.
_HEADING_THEN_LABEL = re.compile(r"^(三、|[^\W\d_（(])(?=[（(][一二三四五六七]+[）)])")
_NUMBER_CLOSE = re.compile(r"^[一二三四五六七]+[）)]")


def _chunks(row: list[Glyph]) -> Line:
    groups: list[list[Glyph]] = [[row[0]]]
    for prev, g in zip(row, row[1:], strict=False):
        # The larger of the two sizes: pdfium gives a flat glyph (一) a box of its stroke
        # alone, and "（" + "一）予以公开" must not part at it.
        if g.loose_left - prev.loose_right > CHUNK_GAP_SHARE * max(g.size, prev.size):
            groups.append([g])
        else:
            groups[-1].append(g)
    groups = _numbers_with_their_labels(_label_starts_apart(groups))
    return tuple(
        Chunk(
            _text(group),
            min(g.loose_left for g in group),
            max(g.loose_right for g in group),
            min(g.loose_bottom for g in group),
            max(g.loose_top for g in group),
            max(g.size for g in group),
        )
        for group in groups
    )


def _label_starts_apart(groups: list[list[Glyph]]) -> list[list[Glyph]]:
    """Groups split where a label of the form's bracketed numbering starts right after a
    character of the vertical heading, and an opening bracket left behind moved to the
    numbering it opens."""
    out: list[list[Glyph]] = []
    for group in groups:
        text = _text(group)
        m = _HEADING_THEN_LABEL.match(text)
        cut = _glyphs_for(group, len(m.group(1))) if m else 0
        out += [group[:cut], group[cut:]] if 0 < cut < len(group) else [group]
    for a, b in zip(out, out[1:], strict=False):
        tail = _text(b)
        if len(a) > 1 and a[-1].text in "(（" and _NUMBER_CLOSE.match(tail):
            b.insert(0, a.pop())
    return [g for g in out if g]


# A label's numbering alone ("(一)", "1.", "二、") set a little apart from its words, as
# XeLaTeX's xeCJK spaces an ASCII bracket or full stop from the CJK after it.
# (Matched against normalize_label's folding: full-width brackets and digits are ASCII.)
_NUMBERING_ONLY = re.compile(r"^(\d+[、.．]|[(][一二三四五六七八九十]+[)]|[一二四]、)$")
NUMBERING_GAP_SHARE = 0.6


def _numbers_with_their_labels(groups: list[list[Glyph]]) -> list[list[Glyph]]:
    """A group that is only a label's numbering joined to the words just after it. (三、 is
    left alone: beside the group labels it is the vertical heading's first line.)"""
    out: list[list[Glyph]] = []
    for group in groups:
        if out and _NUMBERING_ONLY.match(normalize_label(_text(out[-1]))):
            gap = group[0].loose_left - out[-1][-1].loose_right
            if gap <= NUMBERING_GAP_SHARE * group[0].size and not _NUMBERING_ONLY.match(
                normalize_label(_text(group))
            ):
                out[-1] = out[-1] + group
                continue
        out.append(group)
    return out


def _text(group: list[Glyph]) -> str:
    return "".join(g.text for g in group)


def _glyphs_for(group: list[Glyph], chars: int) -> int:
    """How many glyphs of `group` print its first `chars` characters (0 if none do exactly)."""
    seen = 0
    for n, g in enumerate(group, start=1):
        seen += len(g.text)
        if seen == chars:
            return n
        if seen > chars:
            return 0
    return 0


def line_text(line: Line) -> str:
    return normalize_label("".join(c.text for c in line))


def table_regions(lines: dict[int, list[Line]], table: str) -> Iterator[tuple[int, list[Line]]]:
    """(page, lines) below the table's section heading until the next heading, page by page."""
    inside = False
    for page in sorted(lines):
        region: list[Line] = []
        for line in lines[page]:
            text = line_text(line)
            heading = next((t for t, p in SECTION_HEADINGS.items() if p.match(text)), None)
            if heading is not None:
                if inside and region:
                    yield page, region
                if inside:
                    return
                inside, region = heading == table, []
            elif inside and not is_page_footer(line):
                region.append(line)
        if inside and region:
            yield page, region


# A page number printed apart from its dashes (- 1 -) comes as three chunks.
_SPACED_PAGE_NUMBER = re.compile(r"^[-—－–]+ \d+ [-—－–]+$")


def is_page_footer(line: Line) -> bool:
    if len(line) == 1:
        return bool(PAGE_FOOTER.match(line_text(line)))
    return bool(_SPACED_PAGE_NUMBER.match(" ".join(c.text.strip() for c in line)))


def is_data(line: Line) -> bool:
    """A line printing a value (a number or a zero mark) is a row of the table's data."""
    return any(is_value_like(c.text) for c in line)


def lowest_heads(chunks: Sequence[Chunk]) -> list[Chunk]:
    """The lowest header chunk over each stretch of the page, left to right (the form's
    spanning headers sit above narrower ones)."""
    # Below: the other chunk's middle is under this one's foot (lines set solid touch: a
    # wrapped head's second line can reach a hair above its first line's foot).
    lowest = [
        c
        for c in chunks
        if not any(
            o is not c and o.overlaps(c) and (o.top + o.bottom) / 2 < c.bottom for o in chunks
        )
    ]
    return sorted(lowest, key=lambda c: c.left)


# A value set flush right (or left) in a wide cell sits beside its centred head, not under
# it; it is still that column's when that head is this many times nearer than any other.
NEARER_FACTOR = 2.0


def column_of(columns: Sequence[Chunk], chunk: Chunk) -> int | None:
    """The one column whose header the chunk's centre sits under; failing that, the column
    whose head is far nearer than any other's; None when neither says."""
    slack = COLUMN_SLACK_SHARE * chunk.size
    under = [
        i for i, col in enumerate(columns) if col.left - slack <= chunk.centre <= col.right + slack
    ]
    if under:
        return under[0] if len(under) == 1 else None
    if len(columns) < 2:
        return None
    first, second = sorted(
        range(len(columns)), key=lambda i: abs(columns[i].centre - chunk.centre)
    )[:2]
    near, far = (abs(columns[i].centre - chunk.centre) for i in (first, second))
    return first if NEARER_FACTOR * near <= far else None


def nearest_column(columns: Sequence[Chunk], chunk: Chunk) -> int:
    return min(range(len(columns)), key=lambda i: abs(columns[i].centre - chunk.centre))


Cells = tuple[tuple[tuple[Chunk, ...], ...], ...]  # row → column → its chunks


@dataclass(frozen=True)
class Placed:
    cells: Cells
    ambiguous: frozenset[tuple[int, int]]

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(" ".join(c.text for c in cell) for cell in row) for row in self.cells)


def placed_grid(doc: pdfium.PdfDocument, page: int, order: int, placed: Placed) -> Grid:
    """One page's piece of a table read by position, each cell read twice: the chunks placed
    in it, and pdfium's own text inside those chunks' boxes."""
    textpage = doc[page - 1].get_textpage()
    try:
        second = tuple(tuple(_bounded(textpage, cell) for cell in row) for row in placed.cells)
    finally:
        textpage.close()
    return placed_as_grid(page, order, placed, second, TEXT_POSITION)


def placed_as_grid(
    page: int,
    order: int,
    placed: Placed,
    second: tuple[tuple[str, ...], ...],
    method: str,
    confidence: float | None = None,
) -> Grid:
    """A piece read by position as a grid: its placed text, and `second`, each cell read
    again by another means (pdfium's text in a PDF, the 300-dpi OCR in a scan)."""
    return Grid(
        page=page,
        order=order,
        rows=placed.rows,
        second_rows=second,
        ambiguous=placed.ambiguous,
        covered=frozenset(),
        method=method,
        accuracy=None,
        whitespace=None,
        confidence=confidence,
    )


def _bounded(textpage: pdfium.PdfTextPage, chunks: Sequence[Chunk]) -> str:
    """pdfium's own text inside the chunks' boxes: the second reading of a cell."""
    return " ".join(
        textpage.get_text_bounded(c.left, c.bottom, c.right, c.top).strip() for c in chunks
    )
