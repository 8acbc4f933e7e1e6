"""The grid contract every reader hands the form-anchored parsers (extract/layout.py): one
table piece as rows of cell texts, each cell read twice, merged cells marked."""

from __future__ import annotations

from dataclasses import dataclass

# How a grid was found, besides camelot's lattice methods (extract/tables.py): a table printed
# without rules, which lattice cannot see, is read by text position (extract/positions.py); a
# report published as a web page has its <table>s read by two HTML parsers (extract/html.py);
# a Word file's tables are read from its XML (extract/word.py); a scan's by OCR (extract/ocr.py).
TEXT_POSITION = "text-position"
HTML_METHOD = "html"
DOCX_METHOD = "docx"
OCR_METHOD = "ocr"


@dataclass(frozen=True)
class Grid:
    """One table piece on a page, with each cell's text read twice.

    `rows` is the reading nianbao trusts: pdfium glyph centres inside the cell boxes for a PDF,
    lxml's text for a web page; `second_rows` is a second reader's text for the same cells:
    camelot's own for a ruled grid, pdfium's bounded text for one read by position,
    selectolax's for a web page.
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
    # Cells read as a number beside ink standing apart in more pieces than it has characters
    # (a scan: a digit the recogniser passed over). Trusted where a sum of the form checks
    # them (三, 四); table 二 has none, so there they are refused.
    uncounted: frozenset[tuple[int, int]] = frozenset()

    @property
    def ncols(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@dataclass(frozen=True)
class CellEdges:
    """Which sides of a grid cell are ruled: a side without a rule joins the cell to its
    neighbour there (glyphs.merged_regions), in a PDF's grid as on a scan's."""

    left: bool
    right: bool
    top: bool
    bottom: bool
