"""Scanned reports: the ruled grid found on the page image, each cell read by OCR twice.

A scan has no text layer. Each page is rendered (pdfium), straightened (the skew that
maximises the contrast of its row profile), and its rules found by morphology (OpenCV): long
horizontal and vertical strokes. The table's grid is where they cross, a rule missing between
two cells merges them, as a ruled PDF grid gives them (extract/grid.Grid). The rules are then
erased and the page read by RapidOCR (PP-OCR models, offline); its text boxes are placed in
the cells by their centres (extract/glyphs.read_cells), which is the first reading. The
second renders the table pages again at another resolution and reads them again the same
way. A value the two do not read alike is not loaded (layout.REFUSED_WHEN_DIFFERING); the
arithmetic (R2–R5) then judges the rest. Provenance says `ocr`, with the
engine's mean confidence on the piece.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium

from extract.chunks import Chunk, Placed, page_lines, placed_as_grid
from extract.glyphs import Glyph, merged_regions, read_cells
from extract.grid import OCR_METHOD, CellEdges, Grid
from extract.labels import (
    IDEOGRAPH,
    PRINTED,
    closest_printed_label,
    is_printed_label,
    normalize_label,
)
from extract.positions import gridded, placed_pieces
from nianbao.errors import ReaderMissing, UnreadablePdf

DPI = 200
SECOND_DPI = 300  # the second reading: the table pages rendered again, finer, and read again
MAX_SKEW_DEGREES = 3.0
# A rule is a straight stroke at least this long (7.6 mm at DPI): longer than any stroke of
# a character, shorter than a table's rules (they run through a row and more). A cell's edge
# is a rule over at least EDGE_COVER of the cell's side.
RULE_PX, EDGE_COVER = 60, 0.6
# Down the page a rule is taken only this long (12.7 mm): a column of characters set one
# above another (table 四's heads) lines up strokes longer than RULE_PX. A shorter stroke
# down (at least SHORT_RULE_PX) is a rule when it runs from a rule across, through another,
# into a third (its ends within TOUCH_PX of them; strokes of characters set tight in two rows
# one above the other can cross a rule and run a little past two more): the side of two or
# more cells in a table set tight (table 二's sections, table 四's two rows of heads). A character's stroke may
# touch a rule in a tight cell, but never crosses one. So a one-row piece of a table (cut off
# by a page break) has no column rules here: a seal's arc through it, taken for one, once
# shifted its values by a column (table 二 refuses such a row, extract/layout.py).
DOWN_RULE_PX, SHORT_RULE_PX, TOUCH_PX = 100, 16, 1
# A rule's blurred edge is darker than the ink level for a pixel or two past where the rule
# across is found, so a short rule may run on that far past the rule at either end (the
# foot of table 四's heads, a JPEG-60 scan: its column rules, kept tight, were all lost).
OVERSHOOT_PX = 3
# Strokes between the same two rules that make them a row of cells, at least (a narrower
# table's row: 二's has 4 cells, so 4 dividers at the least with its sides)
ROW_DIVIDERS = 4
MERGE_PX = 6  # strokes this close are one rule
SEAL_COLOUR = 80  # a pixel's darkest channel this far below its lightest: coloured ink
ROW_PX = 20  # the least height of a row (2.5 mm)
# Rules are erased with this much around them (a rule's grey fringe, read as 1 or — beside a
# value, is what OCR would otherwise add to it), and a cell is cut this far inside its rules.
ERASE_PX, INSET_PX = 7, 4
# A cell is not blank when it holds at least INK_PX pixels darker than INK_LEVEL (a blurred
# 1 at 8 pt has ~40), unless they make one flat stroke no taller than DASH_MAX_PX: a dash.
# Scanner noise is specks of fewer than SPECK_PX pixels each; a thin dash at 200 dpi is one
# pixel tall, so specks are told by their size, not by eroding them away.
INK_LEVEL, INK_PX, DASH_MAX_PX, SPECK_PX = 190, 12, 7, 4
FAINT_INK_LEVEL = 225  # a zero mark blurred grey, looked for where one reading saw it
MARGIN_SHARE = 0.2  # a cell's edges left out where a zero mark is looked for in its middle
# A rule's fringe along a cell's edge: at most this thick, and no pixel of it darker than
# this (printed strokes are darker at their core: below 125 in 95 % of pieces measured)
FRINGE_PX, FRINGE_GREY = 3, 140
# How far past a number's text boxes its ink is looked at, of the text's height (a digit is
# about half as wide as high)
DIGIT_WIDTH_SHARE = 0.5
RECOGNISED_PX = 32  # a piece recognised alone is scaled to this height, its ink and a margin
SLASH_ELONGATION = 3.5  # a slash's length over its width, at least (a 200-dpi slash: 9 × 2 px)


def ocr_engine() -> Any:
    """A new OCR engine. One serves one scan's reading: loading its models is a small part of
    OCR'ing a single page (bench/README.md)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as err:
        raise ReaderMissing(
            "a scan (no text layer): reading it needs the OCR engine rapidocr-onnxruntime, "
            "which is not installed (`make setup` installs it)"
        ) from err
    return RapidOCR()


@dataclass(frozen=True)
class ScannedPage:
    number: int
    image: np.ndarray  # grey, straightened, rules erased
    rules: tuple[np.ndarray, np.ndarray]  # horizontal and vertical rule masks
    boxes: tuple[tuple[str, float, tuple[float, float, float, float]], ...]  # text, score, l t r b
    skew: float
    dpi: int = DPI  # the image's; boxes are in pixels at DPI whatever it is
    # The image with only the rules' own pixels erased: a zero mark set tight against a rule
    # (a right-aligned slash) keeps its ink here, where `image` loses it with the rules' fringe.
    marks: np.ndarray | None = None
    engine: Any = field(default=None, compare=False, repr=False)  # the engine that read it
    # Where coloured ink (a seal) was taken off the page, straightened like `image`: its
    # edges stay behind as grey outlines, which the recogniser may read as a digit.
    seal: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        return "\n".join(_lines(self.boxes))


def read_scan(path: str | Path) -> tuple[list[ScannedPage], list[Grid], dict[int, ScannedPage]]:
    """Every page OCR'd, the grids of the pages that print ruled tables (the parsers tell
    which are the form's), and those pages OCR'd again at SECOND_DPI, by page number."""
    doc = pdfium.PdfDocument(str(path))
    engine = ocr_engine()
    try:
        pages = [_scanned_page(doc, engine, i + 1, DPI) for i in range(len(doc))]
        if not any(p.boxes for p in pages):
            raise UnreadablePdf(
                "no text layer, and OCR read no text on its pages (blank pages, or not a document?)"
            )
        ruled = [page for page in pages if _table_bounds(*page.rules)]
        again = {page.number: _read_again(doc, page) for page in ruled}
        grids = [grid for page in ruled for grid in _grids(page, again[page.number])]
    finally:
        doc.close()
    return pages, grids, again


def _read_again(doc: pdfium.PdfDocument, page: ScannedPage) -> ScannedPage:
    """The page OCR'd again at SECOND_DPI, straightened by the first reading's skew."""
    return _scanned_page(doc, page.engine, page.number, SECOND_DPI, page.skew)


def unruled_grids(
    path: str | Path,
    pages: list[ScannedPage],
    again: dict[int, ScannedPage],
    tables: list[str],
) -> dict[str, tuple[Grid, ...]]:
    """table → its pieces read by where OCR found their text, as a PDF's unruled tables are
    read from its glyphs (extract/positions.py): a table printed without rules has no grid on
    the image. Each cell is read again from the page OCR'd at SECOND_DPI: read_scan's `again`
    where it has the page, else OCR'd now."""
    lines = {page.number: page_lines(_page_glyphs(page)) for page in pages}
    pieces = placed_pieces(lines, tables)
    needed = {number for placed in pieces.values() for number, _ in placed} - set(again)
    by_number = {page.number: page for page in pages}
    if needed:
        doc = pdfium.PdfDocument(str(path))
        try:
            again = {**again, **{n: _read_again(doc, by_number[n]) for n in sorted(needed)}}
        finally:
            doc.close()
    return gridded(
        pieces, lambda n, order, placed: _placed_grid(by_number[n], again[n], order, placed)
    )


def _page_glyphs(page: ScannedPage) -> list[Glyph]:
    height = page.image.shape[0] * DPI / page.dpi  # boxes are in pixels at DPI
    line = _line_height(page.boxes)
    return [
        _glyph(t, b, height)
        for whole, _, full in page.boxes
        for text, box in _stacked_apart(whole, full)
        for piece, part in _apart_at_gaps(page, text, box, line)
        for t, b in _label_apart(piece, part)
    ]


def _stacked_apart(
    text: str, box: tuple[float, float, float, float]
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """A box read down the page (the detector takes a column of characters set one a line,
    table 三's vertical heading 本年度办理结果, as one tall box) as a character a line, as a
    PDF prints it; any other box as it is."""
    left, top, right, bottom = box
    if len(text) < 2 or bottom - top < 2 * (right - left):
        return [(text, box)]
    step = (bottom - top) / len(text)
    return [(ch, (left, top + i * step, right, top + (i + 1) * step)) for i, ch in enumerate(text)]


def _line_height(boxes: tuple[tuple[str, float, tuple[float, float, float, float]], ...]) -> float:
    """The median height of the boxes that read ideographs (pixels at DPI): the page's line."""
    heights = [b[3] - b[1] for text, _, b in boxes if IDEOGRAPH.search(text)]
    return float(np.median(heights)) if heights else 0.0


# White this share of a line's height across a box parts two cells' text the detector read
# as one (the applicant heads 商业企 科研机 社会公 … set close): inside one cell's text the
# widest gap is after a numbering or a bracket, ~0.6 of it.
CELLS_GAP_SHARE = 0.7
SLIVER_SHARE = 0.25


def _apart_at_gaps(
    page: ScannedPage, text: str, box: tuple[float, float, float, float], line: float
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The box, or its pieces between wide white gaps, its characters shared out by how wide
    they print against how wide each piece's ink is."""
    k = page.dpi / DPI
    left, top, right, bottom = box
    crop = page.image[int(top * k) : int(bottom * k), int(left * k) : int(right * k)]
    columns: np.ndarray = (
        np.asarray((crop < INK_LEVEL).any(axis=0)) if crop.size else np.zeros(0, bool)
    )
    spans = _ink_spans(columns, CELLS_GAP_SHARE * line * k)
    # A sliver at the box's edge is a neighbour's stroke the box takes in, not a piece.
    sliver = SLIVER_SHARE * line * k
    kept = [(a, b) for a, b in spans if b - a >= sliver or a > 0 and b < len(columns)]
    if not kept or len(text) < len(kept):
        return [(text, box)]
    if len(kept) == 1:
        (a, b), trimmed = kept[0], len(kept) < len(spans)
        return [(text, (left + a / k, top, left + b / k, bottom) if trimmed else box)]
    spans = kept
    inked = sum(b - a for a, b in spans)
    widths = [_ems(ch) for ch in text]
    total, pieces, start, done = sum(widths), [], 0, 0.0
    for a, b in spans[:-1]:
        done += (b - a) / inked
        cut = min(
            range(start + 1, len(text)),
            key=lambda i: abs(sum(widths[:i]) / total - done),
            default=start,
        )
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    if not all(pieces):
        return [(text, box)]
    return [
        (piece, (left + a / k, top, left + b / k, bottom))
        for piece, (a, b) in zip(pieces, spans, strict=True)
    ]


def _ink_spans(columns: np.ndarray, gap: float) -> list[tuple[int, int]]:
    """The stretches of inked columns (start, end) parted by white at least `gap` wide."""
    inked = np.flatnonzero(columns)
    if not len(inked):
        return []
    breaks = np.flatnonzero(np.diff(inked) > gap)
    starts = [inked[0], *inked[breaks + 1]]
    ends = [*inked[breaks] + 1, inked[-1] + 1]
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


# A label and the value printed close after it, read as one box ("…申请数量3408").
_LABEL_THEN_VALUE = re.compile(r"^(.*[\u4e00-\u9fff）)”])\s*(\d[\d,]*)$")


def _label_apart(
    text: str, box: tuple[float, float, float, float]
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The box, or its label and its value apart, the width shared by how wide their
    characters print (an ideograph a full em, a digit about half)."""
    found = _LABEL_THEN_VALUE.match(text)
    if found is None or len(IDEOGRAPH.findall(found.group(1))) < 2:
        return [(text, box)]
    label, value = found.groups()
    ems = [_ems(label), _ems(value)]
    left, top, right, bottom = box
    cut = left + (right - left) * ems[0] / sum(ems)
    return [(label, (left, top, cut, bottom)), (value, (cut, top, right, bottom))]


def _ems(text: str) -> float:
    return sum(1.0 if IDEOGRAPH.match(ch) or ord(ch) > 0xFF00 else 0.55 for ch in text)


def _placed_grid(page: ScannedPage, again: ScannedPage, order: int, placed: Placed) -> Grid:
    """A piece read by position: each cell's text as placed, and the second reading's text
    found where the cell's chunks are."""
    height = page.image.shape[0] * DPI / page.dpi
    boxes = sorted(again.boxes, key=lambda b: b[2][0])  # left to right, once for every cell
    second = tuple(
        tuple(" ".join(_texts_inside(boxes, chunks, height)) for chunks in row)
        for row in placed.cells
    )
    chunks = [c for row in placed.cells for cell in row for c in cell]
    scores = [s for _, s, box in page.boxes if any(_centred_in(box, c, height) for c in chunks)]
    confidence = round(float(np.mean(scores)), 3) if scores else None
    return placed_as_grid(page.number, order, placed, second, OCR_METHOD, confidence)


def _texts_inside(
    boxes: list[tuple[str, float, tuple[float, float, float, float]]],
    chunks: tuple[Chunk, ...],
    height: float,
) -> list[str]:
    return [text for chunk in chunks for text, _, box in boxes if _centred_in(box, chunk, height)]


def _centred_in(box: tuple[float, float, float, float], chunk: Chunk, height: float) -> bool:
    """The box's centre inside the chunk (y up, as chunks are), give or take a few pixels."""
    cx, cy = (box[0] + box[2]) / 2, height - (box[1] + box[3]) / 2
    slack = 0.3 * chunk.size
    return (
        chunk.left - slack <= cx <= chunk.right + slack
        and chunk.bottom - slack <= cy <= chunk.top + slack
    )


def _scanned_page(
    doc: pdfium.PdfDocument, engine: Any, number: int, dpi: int, skew: float | None = None
) -> ScannedPage:
    """The page at `dpi`, straightened (by `skew`, or as measured), rules found and erased,
    and OCR'd; pixel sizes below are DPI's, scaled to `dpi`."""
    import cv2

    page = doc[number - 1]
    try:
        pixels = page.render(scale=dpi / 72).to_numpy()
    finally:
        page.close()
    grey, coloured = _without_colour(pixels)
    skew = _skew(grey) if skew is None else skew
    grey = _rotated(grey, skew)
    seal = _rotated(coloured.astype(np.uint8), skew, border=0) > 0 if coloured.any() else None
    ink = cv2.adaptiveThreshold(~grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    horizontal, vertical, short = _rule_masks(ink, dpi / DPI)
    clean = grey.copy()
    erase = np.ones((int(ERASE_PX * dpi / DPI),) * 2, np.uint8)
    clean[cv2.dilate(horizontal | vertical, erase) > 0] = 255
    # No angle classifier: it turns boxes it judges upside down, and a 9 turned is a 6. The
    # page is straightened already.
    result, _ = engine(cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR), use_cls=False)
    boxes = tuple(_box(r, DPI / dpi) for r in result or ())
    boxes += _missed_numbers(clean, boxes, horizontal | vertical, engine, dpi / DPI)
    vertical &= ~_read_across(short, boxes, dpi / DPI)
    marks = grey.copy()
    marks[_erased(horizontal | vertical)] = 255
    return ScannedPage(number, clean, (horizontal, vertical), boxes, skew, dpi, marks, engine, seal)


# Ink the detector passed over is looked at when it stands this high against the page's
# text (a digit is ~0.6 of an ideograph's box) and at most this many heights wide; the
# pieces of one number, this share of that height apart, are one.
MISSED_HEIGHT, MISSED_WIDTH, MISSED_JOIN = (0.35, 1.0), 6.0, 0.6


def _missed_numbers(
    clean: np.ndarray,
    boxes: tuple[tuple[str, float, tuple[float, float, float, float]], ...],
    rules: np.ndarray,
    engine: Any,
    k: float,
) -> tuple[tuple[str, float, tuple[float, float, float, float]], ...]:
    """Numbers printed where the detector found no text, each recognised alone: it passes
    over a lone thin 1 (or a few on a noisy page) that the recogniser reads well. Only what
    reads as digits is kept (a 1 only standing upright), away from the rules (a rule's
    fringe left after erasing is no digit); any other ink there is no value of the form."""
    import cv2

    line = _line_height(boxes) * k  # an ideograph's box, pixels at this dpi
    if not line:
        return ()
    ink = _without_specks((clean < INK_LEVEL).astype(np.uint8), int(SPECK_PX * k * k))
    pad = int(2 * k)
    for _, _, (left, top, right, bottom) in boxes:
        ink[
            max(int(top * k) - pad, 0) : int(bottom * k) + pad,
            max(int(left * k) - pad, 0) : int(right * k) + pad,
        ] = 0
    near_rules = cv2.dilate(rules, np.ones((int(2 * ERASE_PX * k),) * 2, np.uint8)) > 0
    join = cv2.dilate(ink, np.ones((1, max(int(MISSED_JOIN * line), 1)), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(join, connectivity=8)
    found = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        low, high = MISSED_HEIGHT
        if not (low * line <= h <= high * line and w <= MISSED_WIDTH * h):
            continue
        piece = (labels[y : y + h, x : x + w] == i) & (ink[y : y + h, x : x + w] > 0)
        if near_rules[y : y + h, x : x + w][piece].any():
            continue
        ys, xs = np.nonzero(piece)
        text = _recognised_ink(
            engine, clean[y : y + h, x : x + w], (ys.min(), xs.min(), ys.max(), xs.max()), k
        )
        if not _DIGITS.match(text) or (text == "1" and not _upright(xs, ys)):
            continue
        found.append((text, 0.5, (x / k, y / k, (x + w) / k, (y + h) / k)))
    return tuple(found)


def _without_colour(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page in grey with coloured ink gone: each pixel's lightest channel, so black print
    stays dark and a red seal (or blue ink) over the table turns light; and white where the
    colour is strong, since a seal's ring at its lightest channel is still a light grey
    stroke that OCR reads as a 1 beside a value (a "1" read "11", a 0 read "10"). With the
    mask of what was taken off."""
    if pixels.ndim != 3:
        return pixels, np.zeros(pixels.shape, bool)
    rgb = pixels[:, :, :3]
    grey = rgb.max(axis=2)
    coloured = (grey.astype(np.int16) - rgb.min(axis=2)) > SEAL_COLOUR
    grey[coloured] = 255
    return grey, coloured


def _read_across(
    short: np.ndarray,
    boxes: tuple[tuple[str, float, tuple[float, float, float, float]], ...],
    k: float,
) -> np.ndarray:
    """The short rules down the page that OCR read one of the form's labels across: strokes
    of the same character in two rows, one above the other (the labels of rows 1 and 2 of
    table 三 end alike, "…信息公开申请数量", and are set right-aligned and tight), not a
    rule. A line read across a real rule is the text of two cells (table 四's heads, once
    the rules are erased), which is no label of the form."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(short, connectivity=8)
    across = np.zeros(count, np.uint8)
    # The lines read as labels, looked for once: each short rule is tried against them all.
    printed = [box for text, _, box in (*boxes, *_runs_on_a_line(boxes)) if is_printed_label(text)]
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        for left, top, right, bottom in printed:
            left, top, right, bottom = left * k, top * k, right * k, bottom * k
            overlap = min(bottom, y + h) - max(top, y)
            if left < x - 4 * k and right > x + w + 4 * k and overlap > 0.5 * (bottom - top):
                across[i] = 255
                break
    return across[labels]


def _runs_on_a_line(
    boxes: tuple[tuple[str, float, tuple[float, float, float, float]], ...],
) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """Boxes read on one line, each close after the last, as one box with their text run
    together: a label whose strokes were erased where they lined up with the row below (two
    labels alike, centred) is read in pieces ("年新收政府" "言息公开" "请数量")."""
    runs: list[list[tuple[str, float, tuple[float, float, float, float]]]] = []
    for box in sorted(boxes, key=lambda b: b[2][0]):
        left, top, _, bottom = box[2]
        height = bottom - top
        for run in runs:
            last = run[-1][2]
            centre, last_centre = (top + bottom) / 2, (last[1] + last[3]) / 2
            if abs(centre - last_centre) < height / 2 and 0 <= left - last[2] < 2.5 * height:
                run.append(box)
                break
        else:
            runs.append([box])
    return [
        (
            "".join(text for text, _, _ in run),
            min(score for _, score, _ in run),
            (
                run[0][2][0],
                min(b[1] for _, _, b in run),
                run[-1][2][2],
                max(b[3] for _, _, b in run),
            ),
        )
        for run in runs
        if len(run) > 1
    ]


def _box(found: list, scale: float) -> tuple[str, float, tuple[float, float, float, float]]:
    """An OCR result as (text, score, (left, top, right, bottom)) in pixels at DPI."""
    quad, text, score = found
    xs, ys = [p[0] * scale for p in quad], [p[1] * scale for p in quad]
    return str(text), float(score), (min(xs), min(ys), max(xs), max(ys))


def _lines(boxes: tuple[tuple[str, float, tuple[float, float, float, float]], ...]) -> list[str]:
    """The page's text boxes as lines, top-down, each left to right."""
    rows: list[list[tuple[float, str]]] = []
    last_y = None
    for text, _, (left, top, _, bottom) in sorted(boxes, key=lambda b: (b[2][1] + b[2][3]) / 2):
        y, height = (top + bottom) / 2, bottom - top
        if last_y is not None and abs(y - last_y) < 0.5 * height:
            rows[-1].append((left, text))
        else:
            rows.append([(left, text)])
            last_y = y
    return ["".join(t for _, t in sorted(row)) for row in rows]


# ---- straightening and rules -----------------------------------------------------------


def _skew(grey: np.ndarray) -> float:
    """The rotation (degrees) that straightens the page: the median angle of its long
    straight strokes (a table's rules), else the angle that makes its rows of text most
    distinct."""
    import cv2

    # Ink as the cells read it: a thin grey rule (0.5 px, scanned at 150 dpi) is lighter than
    # black print by far, and a page whose rules were missed was read 0.9° askew.
    ink = (grey < INK_LEVEL).astype(np.uint8) * 255
    w = grey.shape[1]
    lines = cv2.HoughLinesP(ink, 1, np.pi / 1800, 200, minLineLength=w // 3, maxLineGap=5)
    segments = np.asarray(lines if lines is not None else [], dtype=np.float64).reshape(-1, 4)
    angles = [float(np.degrees(np.arctan2(y2 - y1, x2 - x1))) for x1, y1, x2, y2 in segments]
    angles = [a for a in angles if abs(a) <= MAX_SKEW_DEGREES]
    if len(angles) >= 3:
        return round(float(np.median(angles)), 2)
    return _profile_skew(grey)


def _profile_skew(grey: np.ndarray) -> float:
    import cv2

    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.1):
        profile = _rotated(ink, float(angle), border=0).sum(axis=1)
        score = float(np.var(profile))
        if score > best_score:
            best, best_score = float(angle), score
    return round(best, 2)


def _rotated(image: np.ndarray, degrees: float, border: int = 255) -> np.ndarray:
    import cv2

    if abs(degrees) < 0.05:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def _rule_masks(ink: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Horizontal and vertical rule masks of a page's ink (`k`: pixels per pixel at DPI),
    and the short rules of the vertical one (_down_rules)."""
    import cv2

    across = cv2.getStructuringElement(cv2.MORPH_RECT, (int(RULE_PX * k), 1))
    horizontal = cv2.dilate(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, across), np.ones((1, 3), np.uint8)
    )
    vertical, short = _down_rules(ink, horizontal, k)
    # Rules are kept only where they make a table (strokes both ways): an underline, a
    # heading's bar or a stamp's ring is not one.
    tables = np.zeros_like(ink)
    for x, y, w, h in _table_bounds(horizontal, vertical):
        tables[y : y + h, x : x + w] = 255
    return horizontal & tables, vertical & tables, short & tables


def _down_rules(ink: np.ndarray, horizontal: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Strokes down the page that are rules: long ones, and short ones that run from a
    horizontal rule through another into a third; and the short ones alone."""
    import cv2

    def opened(length: float) -> np.ndarray:
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(length * k)))
        return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)

    long_rules = opened(DOWN_RULE_PX)
    short = opened(SHORT_RULE_PX) & ~long_rules
    count, labels, stats, _ = cv2.connectedComponentsWithStats(short, connectivity=8)
    touch, over = max(1, int(TOUCH_PX * k)), max(1, int(OVERSHOOT_PX * k))
    keep = np.zeros(count, np.uint8)
    _, rules_across = cv2.connectedComponents((horizontal > 0).astype(np.uint8), connectivity=8)
    one_row: dict[tuple[int, int], list[int]] = {}  # strokes from one rule to the next
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        columns = slice(max(x - 2, 0), x + w + 2)
        near: np.ndarray = np.asarray(horizontal[:, columns].any(axis=1))
        bottom = y + h - 1
        top_rows = slice(max(y - touch, 0), y + touch + over + 1)
        bottom_rows = slice(max(bottom - touch - over, 0), bottom + touch + 1)
        if not (near[top_rows].any() and near[bottom_rows].any()):
            continue
        if _runs(near[y : y + h]) >= 3:
            keep[i] = 1
        else:  # keyed by the two rules it joins (a rule across is one piece, skewed or not)
            pair = (
                _rule_at(rules_across[top_rows, columns]),
                _rule_at(rules_across[bottom_rows, columns]),
            )
            one_row.setdefault(pair, []).append(i)
    # A table's one row alone (table 四's values carried onto the next page): strokes that
    # each run from its top rule to its bottom one, enough of them to divide a row into cells.
    for members in one_row.values():
        if len(members) >= ROW_DIVIDERS:
            keep[members] = 1
    widen = np.ones((3, 1), np.uint8)
    kept: np.ndarray = cv2.dilate((keep[labels] * 255).astype(np.uint8), widen)
    wide: np.ndarray = cv2.dilate(long_rules, widen)
    return wide | kept, kept & ~wide


def _rule_at(labels: np.ndarray) -> int:
    """The rule across (its piece's label) most present in a patch of labelled pixels."""
    found = labels[labels > 0]
    return int(np.bincount(found).argmax()) if found.size else 0


def _runs(flags: np.ndarray) -> int:
    """How many runs of True `flags` holds."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    return int((np.diff(padded) == 1).sum())


def _table_bounds(horizontal: np.ndarray, vertical: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of each region where rules cross: wide, and holding rules both ways."""
    import cv2

    joined = cv2.dilate(horizontal | vertical, np.ones((5, 5), np.uint8))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    found = []
    for i, (x, y, w, h, _) in enumerate(stats):
        if i == 0 or w < 0.2 * joined.shape[1] or h < 20:  # a one-row piece is a table too
            continue
        inside = labels[y : y + h, x : x + w] == i
        across = (horizontal[y : y + h, x : x + w][inside] > 0).any()
        down = (vertical[y : y + h, x : x + w][inside] > 0).any()
        if across and down:
            found.append((int(x), int(y), int(w), int(h)))
    return found


# ---- grids -------------------------------------------------------------------------------


def _grids(page: ScannedPage, again: ScannedPage) -> Iterator[Grid]:
    """The page's ruled tables as grids: text from `page`'s OCR, read again from `again`'s
    (the same page at SECOND_DPI; its boxes are in `page`'s pixels)."""

    tables = [t for bounds in _table_bounds(*page.rules) for t in _apart(page, bounds)]
    for order, bounds in enumerate(sorted(tables, key=lambda t: t[1])):
        grid = _grid(page, again, order, bounds)
        if grid is not None:
            yield grid


def _apart(page: ScannedPage, bounds: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """(left, top, right, bottom) of each table in a region of rules: two tables set close
    share a region, but no vertical rule crosses the gap between them."""
    x, y, w, h = bounds
    down: list[bool] = [bool(v) for v in (page.rules[1][y : y + h, x : x + w] > 0).max(axis=1)]
    tables: list[tuple[int, int, int, int]] = []
    start = None
    for i, ruled in enumerate([*down, False]):
        if ruled and start is None:
            start = i
        elif not ruled and start is not None:
            if i - start > 15:  # a band at least a row high
                tables.append((x, y + max(start - 3, 0), x + w, y + min(i + 3, h)))
            start = None
    return tables


def _grid(
    page: ScannedPage, again: ScannedPage, order: int, bounds: tuple[int, int, int, int]
) -> Grid | None:
    left, top, right, bottom = bounds
    horizontal, vertical = page.rules
    ys = _rule_positions(horizontal[top:bottom, left:right], axis=1, offset=top)
    xs = _rule_positions(vertical[top:bottom, left:right], axis=0, offset=left)
    if len(ys) < 2 or len(xs) < 2:
        return None
    ys = [y for y in ys if _divides_a_cell(horizontal, y, xs)]
    if len(ys) < 2:
        return None
    ys = _open_ends(vertical[top:bottom, left:right], xs, ys, top, left, page.dpi / DPI)
    edges = [
        [_cell_edges(page, xs[c], xs[c + 1], ys[r], ys[r + 1]) for c in range(len(xs) - 1)]
        for r in range(len(ys) - 1)
    ]
    height = float(page.image.shape[0])
    # In PDF-like space (y up), as read_cells takes rows: top-down (top, bottom).
    rows = [(height - ys[r], height - ys[r + 1]) for r in range(len(ys) - 1)]
    cols = [(float(xs[c]), float(xs[c + 1])) for c in range(len(xs) - 1)]
    regions = merged_regions(edges)
    boxes = [_split_at_rules(p, xs, ys, regions) for p in (page, again)]
    first, second = (
        read_cells([_glyph(t, box, height) for t, _, box in found], rows, cols, edges)
        for found in boxes
    )
    first_rows, second_rows, unread = _blank_cells_read_again(
        page, again, (_printed(first.rows), _printed(second.rows)), regions, xs, ys
    )
    first_rows = _labels_from_either(first_rows, second_rows)
    ambiguous = first.ambiguous | second.ambiguous | unread
    inside = [s for text, s, box in page.boxes if _within(box, bounds)]
    return Grid(
        page=page.number,
        order=order,
        rows=first_rows,
        second_rows=second_rows,
        ambiguous=frozenset(ambiguous),
        covered=first.covered,
        method=OCR_METHOD,
        accuracy=None,
        whitespace=None,
        confidence=round(float(np.mean(inside)), 3) if inside else None,
        uncounted=frozenset(_digits_uncounted(page, first_rows, boxes[0], regions, xs, ys)),
    )


def _open_ends(
    vertical: np.ndarray, xs: list[int], ys: list[int], top: int, left: int, k: float
) -> list[int]:
    """`ys` with an edge added where the column rules run on a row's height and more past the
    first (or last) rule across: a table broken over pages is drawn with no rule across at the
    break (Chromium), and the row there would be lost with it."""
    down = [(vertical[:, max(x - left - 2, 0) : x - left + 3] > 0).any(axis=1) for x in xs]
    ruled = np.nonzero(np.sum(down, axis=0) >= max(2, len(xs) // 2))[0]
    if not len(ruled):
        return ys
    first, last = top + int(ruled[0]), top + int(ruled[-1])
    row = ROW_PX * k
    return [
        *([first] if ys[0] - first >= row else []),
        *ys,
        *([last] if last - ys[-1] >= row else []),
    ]


def _labels_from_either(
    first: tuple[tuple[str, ...], ...], second: tuple[tuple[str, ...], ...]
) -> tuple[tuple[str, ...], ...]:
    """The first reading, with a label it misread beyond knowing taken from the second where
    that reads a printed label (labels place rows and columns; only values must agree)."""
    return tuple(
        tuple(
            b if _IDEOGRAPHS.search(a) and not _known(a) and _known(b) else a
            for a, b in zip(row_a, row_b, strict=True)
        )
        for row_a, row_b in zip(first, second, strict=True)
    )


def _known(text: str) -> bool:
    """`text` is a printed label of the form, or a misreading of one that tells which."""
    return normalize_label(closest_printed_label(text)) in PRINTED


def _rule_positions(mask: np.ndarray, axis: int, offset: int) -> list[int]:
    """Where rules run across (axis=1: rows of a horizontal mask) as pixel positions, strokes
    within MERGE_PX of each other taken as one."""
    profile = (mask > 0).sum(axis=axis)
    length = mask.shape[axis]
    hits = [i for i, n in enumerate(profile) if n > 0.02 * length and n > 8]
    positions: list[list[int]] = []
    for i in hits:
        if positions and i - positions[-1][-1] <= MERGE_PX:
            positions[-1].append(i)
        else:
            positions.append([i])
    return [offset + int(np.mean(run)) for run in positions]


def _divides_a_cell(horizontal: np.ndarray, y: int, xs: list[int]) -> bool:
    """Whether a stroke across at `y` runs the width of a cell at least (EDGE_COVER of it),
    as a rule does: ideographs' strokes run together by a blur (seen: 68 px inside a label
    set in 10.5 pt at 200 dpi) cover a part of one."""
    band = horizontal[max(y - MERGE_PX, 0) : y + MERGE_PX + 1]
    return any(
        (band[:, xs[c] + 2 : xs[c + 1] - 1] > 0).any(axis=0).mean() >= EDGE_COVER
        for c in range(len(xs) - 1)
        if xs[c + 1] - xs[c] > 4
    )


def _cell_edges(page: ScannedPage, x0: int, x1: int, y0: int, y1: int) -> CellEdges:
    horizontal, vertical = page.rules
    return CellEdges(
        _covered(vertical, x0, y0, y1, along_y=True),
        _covered(vertical, x1, y0, y1, along_y=True),
        _covered(horizontal, y0, x0, x1, along_y=False),
        _covered(horizontal, y1, x0, x1, along_y=False),
    )


def _covered(mask: np.ndarray, at: int, start: int, end: int, along_y: bool) -> bool:
    """A rule runs at `at` over most of start..end (the middle 80 %, ends are joints)."""
    pad = max(1, (end - start) // 10)
    lo, hi = start + pad, end - pad
    if hi <= lo:
        return True
    # Strokes within MERGE_PX are one rule, placed at their middle: a column's rule set a few
    # pixels aside below its heads (LaTeX) is still its rule.
    near = MERGE_PX
    band = (
        mask[lo:hi, max(at - near, 0) : at + near + 1]
        if along_y
        else mask[max(at - near, 0) : at + near + 1, lo:hi]
    )
    line = band.max(axis=1 if along_y else 0) > 0
    return bool(line.mean() >= EDGE_COVER)


def _glyph(text: str, box: tuple[float, float, float, float], height: float) -> Glyph:
    left, top, right, bottom = box
    return Glyph(
        text, left, height - bottom, right, height - top, left, height - bottom, right, height - top
    )


def _within(box: tuple[float, float, float, float], bounds: tuple[int, int, int, int]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return bounds[0] <= cx <= bounds[2] and bounds[1] <= cy <= bounds[3]


def _blank_cells_read_again(
    page: ScannedPage,
    again: ScannedPage,
    readings: tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]],
    regions: Any,
    xs: list[int],
    ys: list[int],
) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...], set[tuple[int, int]]]:
    """Cells a reading found empty though ink is printed in them (a thin 1, a dash or a slash
    the detector passed over). A blank is a printed zero on the form, so the ink is looked at
    in each reading's own image: the same zero mark in both is read as that mark; any other
    ink is recognised again in the reading(s) that left it blank, the cell cut out alone (the
    detector passes over a lone thin 1 that the recogniser reads), and refuses the cell
    (returned) when still unread."""
    first, second = [list(map(list, rows)) for rows in readings]
    unread = set()
    for (r, c), (r1, c1) in _extents(regions).items():
        inside = (xs[c] - 3, ys[r] - 3, xs[c1 + 1] + 4, ys[r1 + 1] + 4)
        box = (xs[c] + INSET_PX, ys[r] + INSET_PX, xs[c1 + 1] - INSET_PX, ys[r1 + 1] - INSET_PX)
        for rows, image in ((first, page), (second, again)):
            if _garbled(rows[r][c]):
                rows[r][c] = _read_beside_rules(image, inside) or rows[r][c]
            elif rows[r][c].strip() == "1" and not _stands_upright(image, box):
                rows[r][c] = _zero_mark(image, box) or ""  # a slash, blurred, read as 1
        if first[r][c].strip() and second[r][c].strip():
            continue
        marks = {_zero_mark(page, box), _zero_mark(again, box)}
        if marks == {""}:
            continue  # blank in both images
        marks = _mark_seen_twice(page, again, box, marks)
        (mark,) = marks if len(marks) == 1 else (None,)
        if mark is None:  # ink that is no zero mark: never read as a printed zero
            cell = (xs[c] + 2, ys[r] + 2, xs[c1 + 1] - 2, ys[r1 + 1] - 2)
            for rows, image in ((first, page), (second, again)):
                if not rows[r][c].strip():  # digits only: the ink is no zero mark (above)
                    text = _as_printed(_recognised(image, cell))
                    # The recogniser reads a slash cut short by the cell's edge as 1.
                    upright = text != "1" or _stands_upright(image, box)
                    if _DIGITS.match(text) and upright:
                        rows[r][c] = text
                    else:
                        rows[r][c] = _read_beside_rules(image, inside)
            if not (first[r][c].strip() and second[r][c].strip()):
                unread.add((r, c))
        elif not (first[r][c] or second[r][c]):
            first[r][c] = second[r][c] = mark
    return (
        tuple(tuple(row) for row in first),
        tuple(tuple(row) for row in second),
        unread,
    )


def _digits_uncounted(
    page: ScannedPage,
    rows: tuple[tuple[str, ...], ...],
    boxes: list[tuple[str, float, tuple[float, float, float, float]]],
    regions: Any,
    xs: list[int],
    ys: list[int],
) -> set[tuple[int, int]]:
    """Cells read as a number whose ink, along the number's line, stands apart in more
    pieces than the number has characters: a digit the recogniser passed over in both
    readings (fuzz 900022's table 二: 125 read 25 at both scales, a seal's line across its
    1); or with a seal's erased ink beside it, whose grey outlines the recogniser may have
    read as a digit (fuzz 940022's table 二: 3 read 30 at both scales, the 0 a seal's
    character's outline: as many pieces as 30's). Grid.uncounted: table 二, which has no
    sum to catch either, does not trust such a cell."""
    doubted = set()
    for (r, c), (r1, c1) in _extents(regions).items():
        text = rows[r][c].strip()
        if not _DIGITS.match(text):
            continue
        box = (xs[c] + INSET_PX, ys[r] + INSET_PX, xs[c1 + 1] - INSET_PX, ys[r1 + 1] - INSET_PX)
        inside = [b for _, _, b in boxes if _within_box(b, box)]
        if inside and (
            _ink_pieces(page, box, inside) > len(text) or _beside_seal(page, box, inside)
        ):
            doubted.add((r, c))
    return doubted


def _number_span(
    page: ScannedPage,
    box: tuple[int, int, int, int],
    texts: list[tuple[float, float, float, float]],
) -> tuple[int, int, int, int]:
    """Where a number's ink is looked at, in the page image's pixels: its text boxes' height
    and span, a digit's width either side, within the cell `box`."""
    k = page.dpi / DPI
    left, top, right, bottom = (int(v * k) for v in box)
    height = float(np.median([t[3] - t[1] for t in texts])) * k
    return (
        max(int(min(t[0] for t in texts) * k - DIGIT_WIDTH_SHARE * height), left),
        max(int(min(t[1] for t in texts) * k), top),
        min(int(max(t[2] for t in texts) * k + DIGIT_WIDTH_SHARE * height), right),
        min(int(max(t[3] for t in texts) * k), bottom),
    )


def _beside_seal(
    page: ScannedPage,
    box: tuple[int, int, int, int],
    texts: list[tuple[float, float, float, float]],
) -> bool:
    """Whether coloured ink was taken off where the number's ink is looked at."""
    if page.seal is None:
        return False
    left, top, right, bottom = _number_span(page, box, texts)
    return bool(page.seal[top:bottom, left:right].any())


def _within_box(text: tuple[float, float, float, float], cell: tuple[int, int, int, int]) -> bool:
    cx, cy = (text[0] + text[2]) / 2, (text[1] + text[3]) / 2
    return cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]


def _ink_pieces(
    page: ScannedPage,
    box: tuple[int, int, int, int],
    texts: list[tuple[float, float, float, float]],
) -> int:
    """How many runs of inked columns the cell's own ink (inside its rules, specks cleared)
    makes within its text boxes' height and span, a digit's width either side: each digit,
    and each comma, is one where the print is clean."""
    k = page.dpi / DPI
    if page.marks is None:
        return 0
    left, top, right, bottom = (int(v * k) for v in box)
    across, down = (_erased(mask[top:bottom, left:right]) for mask in page.rules)
    dark = _glyphs_inside(_ink(page, box).astype(bool), across | down)
    first, upper, last, lower = _number_span(page, box, texts)
    number = dark[upper - top : lower - top, first - left : last - left]
    inked = np.concatenate([[False], number.any(axis=0)])
    return int(np.count_nonzero(inked[1:] & ~inked[:-1]))


def _mark_seen_twice(
    page: ScannedPage, again: ScannedPage, box: tuple[int, int, int, int], marks: set[str | None]
) -> set[str | None]:
    """{the mark} when one reading saw a zero mark and the other did not, but sees that very
    mark looked at again: in ink as faint as FAINT_INK_LEVEL where it saw too little ink (a
    thin dash blurred grey at one scale: fuzz 900010, 150 dpi), or in the middle of the cell
    where it saw other ink (a rule's remains along the cell's edges in the image straightened
    again at SECOND_DPI: fuzz 910014's slashes); else `marks`."""
    seen = marks - {"", None}
    if len(marks) != 2 or len(seen) != 1 or not seen <= {"—", "/"}:
        return marks
    if "" in marks:
        again_seen = {_zero_mark(image, box, FAINT_INK_LEVEL) for image in (page, again)}
    else:
        again_seen = {_zero_mark(image, _middle(box)) for image in (page, again)}
    return again_seen if again_seen == seen else marks


def _middle(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """`box` less MARGIN_SHARE of its width and height on every side."""
    left, top, right, bottom = box
    dx, dy = int((right - left) * MARGIN_SHARE), int((bottom - top) * MARGIN_SHARE)
    return (left + dx, top + dy, right - dx, bottom - dy)


def _garbled(text: str) -> bool:
    """A cell read as a letter or two, or a sign: no value of the form, no label (labels are
    ideographs). A digit printed tight against a rule reads so once the rule's fringe is
    erased with a slice of it (a 0 becomes C)."""
    text = text.strip()
    return bool(_GARBLED.match(text)) and not (_DIGITS.match(text) or _DASHES.match(text))


def _read_beside_rules(page: ScannedPage, box: tuple[int, int, int, int]) -> str:
    """The digits in `box` (a cell, pixels at DPI, its rules' fringe inside it) when the page's
    reading found none: recognised alone, the ink that touches an erased rule drawn on into
    it a stroke's width (a 0 printed tight against its rule loses the part that ran into
    it), or a 0 told by its shape when that is all the cell holds (the recogniser reads a
    lone full-width 0 as "a"). '' when neither reads a number, or for a 1 that does not
    stand upright (a slash cut short)."""
    import cv2

    if page.marks is None:
        return ""
    k = page.dpi / DPI
    left, top, right, bottom = (int(v * k) for v in box)
    grey = page.marks[top:bottom, left:right].copy()
    across, down = (_erased(mask[top:bottom, left:right]) for mask in page.rules)
    dark = _glyphs_inside(_ink(page, box).astype(bool), across | down)
    ys, xs = np.nonzero(dark)
    if len(ys) < 3 or _is_slash(xs, ys):  # a slash drawn on into its rule reads as 7
        return ""
    # Drawn on only into the column rules: a digit set tight against its cell's side; a
    # stroke drawn up into the rule above would be a bar (a / read as 7).
    erased = down
    drawn = dark.copy()
    for _ in range(max(2, round(2 * k))):
        drawn |= cv2.dilate(drawn.astype(np.uint8), _CROSS).astype(bool) & erased
    grey[drawn & ~dark] = int(np.percentile(grey[dark], 10))
    ys, xs = np.nonzero(drawn)
    text = _as_printed(
        _recognised_ink(page.engine, grey, (ys.min(), xs.min(), ys.max(), xs.max()), k)
    )
    if not _DIGITS.match(text):
        return "0" if _is_lone_zero(drawn, k) else ""
    return "" if text == "1" and not _stands_upright(page, box) else text


def _erased(rules: np.ndarray) -> np.ndarray:
    """Where `rules` (a mask) were erased from ScannedPage.marks: their pixels and one around."""
    import cv2

    return cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0


def _glyphs_inside(dark: np.ndarray, erased: np.ndarray) -> np.ndarray:
    """The ink (bool, specks cleared) of the cell inside its rules: ink beyond an erased rule
    (the fringe, a neighbour's digit set tight on the other side) left out."""
    import cv2

    _, pieces = cv2.connectedComponents((~erased).astype(np.uint8), connectivity=4)
    h, w = pieces.shape
    middle = pieces[h // 2, w // 2]  # the cell's own white, walled in by its rules
    inside = dark & (pieces == middle) if middle else dark.copy()
    inside[:, inside.mean(axis=0) > 0.8] = False  # a rule's grey fringe left beside it
    inside[inside.mean(axis=1) > 0.8, :] = False
    return inside


def _is_lone_zero(ink: np.ndarray, k: float) -> bool:
    """The ink is one upright oval round one hole at its middle, the hole most of its height:
    a 0 (a 6 or 9 has its hole low or high, an 8 two, a 4 a small one)."""
    import cv2

    contours, hierarchy = cv2.findContours(
        ink.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE
    )
    if len(contours) != 2 or hierarchy[0][0][3] != -1 or hierarchy[0][1][3] != 0:
        return False
    x, y, w, h = cv2.boundingRect(contours[0])
    hx, hy, hw, hh = cv2.boundingRect(contours[1])
    middle = abs((hy + hh / 2) - (y + h / 2)) <= 0.12 * h
    return h >= 8 * k and 1.1 <= h / w <= 3.0 and hh >= 0.55 * h and hw >= 0.3 * w and middle


_CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], np.uint8)


def _extents(regions: Any) -> dict[tuple[int, int], tuple[int, int]]:
    """Each merged region's top-left cell → its bottom-right cell."""
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for cell in regions.parent:
        origin = regions.find(cell)
        far = extent.get(origin, origin)
        extent[origin] = (max(far[0], cell[0]), max(far[1], cell[1]))
    return extent


def _zero_mark(
    page: ScannedPage, box: tuple[int, int, int, int], level: int = INK_LEVEL
) -> str | None:
    """What is printed in `box` (pixels at DPI) of the page's image when the detector found
    nothing there: '' (nothing but scanner specks), '—' (one flat stroke) or '/' (one thin
    stroke leaning right), the form's zero marks; None for any other ink (a thin 1, say)."""
    k = page.dpi / DPI
    ink = _ink(page, box, level)
    as_is = _mark_of(ink, k)
    if as_is is not None:
        return as_is
    # Grey fringes of a rule along the cell's edge can hide a mark; without them the ink
    # may be one. They never make ink a blank: a thin grey 1 against the rule stays refused.
    return _mark_of(_without_fringes(ink, _crop(page, box), FRINGE_PX * k), k) or None


def _mark_of(dark: np.ndarray, k: float) -> str | None:
    """'' (too little ink), '—', '/' or None (ink that is no zero mark), of a cell's ink."""
    if int(dark.sum()) < INK_PX * k * k:
        return ""
    ys, xs = np.nonzero(dark)
    height, width = int(ys.max() - ys.min() + 1), int(xs.max() - xs.min() + 1)
    if height <= DASH_MAX_PX * k and width >= 2 * height:
        return "—"
    return "/" if _is_slash(xs, ys) else None


def _crop(page: ScannedPage, box: tuple[int, int, int, int]) -> np.ndarray:
    """`box` (pixels at DPI) of the image with only the rules' own pixels erased."""
    k = page.dpi / DPI
    left, top, right, bottom = (int(v * k) for v in box)
    return (page.image if page.marks is None else page.marks)[top:bottom, left:right]


def _ink(page: ScannedPage, box: tuple[int, int, int, int], level: int = INK_LEVEL) -> np.ndarray:
    """The dark pixels (0/1) in `box` (pixels at DPI) of the image with only the rules' own
    pixels erased, scanner specks cleared."""
    k = page.dpi / DPI
    crop = _crop(page, box)
    if crop.size == 0:
        return np.zeros((0, 0), np.uint8)
    return _without_specks((crop < level).astype(np.uint8), int(SPECK_PX * k * k))


def _without_fringes(ink: np.ndarray, grey: np.ndarray, thickness: float) -> np.ndarray:
    """`ink` (0/1) without the pieces that lie along its edge, no thicker than `thickness`
    and grey throughout (`grey`: the same crop's pixels): a rule's fringe left beside its
    erased pixels where a skew or blur set it off its line (seen in the finer second
    reading). Printed ink reaches into the cell, or is dark somewhere: a digit's stroke
    tight against the rule is kept."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = ink.shape
    keep = np.ones(count, np.uint8)
    keep[0] = 0
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        along_side = (x == 0 or x + w == width) and w <= thickness
        along_end = (y == 0 or y + h == height) and h <= thickness
        if (along_side or along_end) and int(grey[labels == i].min()) >= FRINGE_GREY:
            keep[i] = 0
    return keep[labels]


def _without_specks(ink: np.ndarray, smallest: int) -> np.ndarray:
    """`ink` (0/1) with every 8-connected piece of fewer than `smallest` pixels cleared."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(count, np.uint8)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= smallest
    return keep[labels]


def _is_slash(xs: np.ndarray, ys: np.ndarray) -> bool:
    """The ink is one thin straight stroke leaning right (50–80° from the baseline): a 1 stands
    upright, a 7 has its bar, so neither is one."""
    elongation, angle = _axis(xs, ys)
    return elongation >= SLASH_ELONGATION and 50 <= angle <= 80


def _stands_upright(page: ScannedPage, box: tuple[int, int, int, int]) -> bool:
    """The ink in `box` runs straight up and down (82–98° from the baseline), as a 1 does."""
    ys, xs = np.nonzero(_ink(page, box))
    return _upright(xs, ys)


def _upright(xs: np.ndarray, ys: np.ndarray) -> bool:
    """The ink's pixels run straight up and down (82–98° from the baseline), as a 1 does."""
    return len(xs) > 2 and 82 <= _axis(xs, ys)[1] <= 98


def _axis(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """The ink's length over its width, and its long axis's angle from the baseline (0–180°)."""
    spread = np.cov(np.vstack([xs, -ys]).astype(np.float64))
    values, vectors = np.linalg.eigh(spread)
    if values[0] <= 0:
        return float("inf"), 90.0 if np.ptp(ys) >= np.ptp(xs) else 0.0
    vx, vy = vectors[:, 1]
    return float(np.sqrt(values[1] / values[0])), float(np.degrees(np.arctan2(vy, vx))) % 180


def _split_at_rules(
    page: ScannedPage, xs: list[int], ys: list[int], regions: Any
) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """The page's text boxes, each one that runs across a column's rule (text of two cells
    set close, once the rules are erased) cut at the rule and its pieces recognised again,
    each alone."""
    out = []
    for text, score, (left, top, right, bottom) in page.boxes:
        cy = (top + bottom) / 2
        r = next((i for i in range(len(ys) - 1) if ys[i] <= cy <= ys[i + 1]), None)
        cuts = [
            xs[c + 1]
            for c in range(len(xs) - 2)
            if r is not None
            and left + 4 < xs[c + 1] < right - 4
            and regions.find((r, c)) != regions.find((r, c + 1))
        ]
        if not cuts:
            out.append((text, score, (left, top, right, bottom)))
            continue
        for a, z in zip([left, *cuts], [*cuts, right], strict=True):
            piece = _recognised(page, (a, top, z, bottom))
            if piece:
                out.append((piece, score, (a, top, z, bottom)))
    return out


def _recognised(page: ScannedPage, box: tuple[float, float, float, float]) -> str:
    """The text in `box` (pixels at DPI) of the page's image, by the recogniser alone: cut
    to its ink and scaled to the height the recogniser reads best (a lone 1 with the cell's
    white around it is read as the ideograph 一)."""
    k = page.dpi / DPI
    left, top, right, bottom = (int(v * k) for v in box)
    crop = page.image[max(top - 2, 0) : bottom + 2, left + 3 : right - 3]
    if crop.size == 0:
        return ""
    ys, xs = np.nonzero(_without_specks((crop < INK_LEVEL).astype(np.uint8), int(SPECK_PX * k * k)))
    if not len(ys):
        return ""
    return _recognised_ink(page.engine, crop, (ys.min(), xs.min(), ys.max(), xs.max()), k)


def _recognised_ink(engine: Any, crop: np.ndarray, ink: tuple[int, int, int, int], k: float) -> str:
    """The text of the ink's extent (top, left, bottom, right) in `crop`, with a white margin,
    scaled to RECOGNISED_PX high and recognised alone."""
    import cv2

    top, left, bottom, right = ink
    pad = int(4 * k)
    crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    crop = crop[top : bottom + 2 * pad + 1, left : right + 2 * pad + 1]
    scale = RECOGNISED_PX / crop.shape[0]
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    padded = cv2.copyMakeBorder(crop, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
    result, _ = engine(
        cv2.cvtColor(padded, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False, use_rec=True
    )
    return str(result[0][0]).strip() if result else ""


# What OCR makes of a value cell's marks: a dash read as the ideograph 一 (a value cell of the
# form never holds an ideograph), the letter O for a zero.
_DASHES = re.compile(r"^[一_－-]{1,2}$")
_ZEROS = re.compile(r"^[0-9Oo]+$")
_DIGITS = re.compile(r"^[0-9][0-9,.]*$")
# A label's numbering 1、 with its 、 misread as a stroke or a comma (a seal's arc through
# it): "3/其他".
_NUMBERING_MISREAD = re.compile(r"^(\d)[/|\\,，;；:：'`](?=[\u4e00-\u9fff])")
_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]{2}")
_GARBLED = re.compile(r"^(?:[^\u4e00-\u9fff]{1,2}|口)$")


def _printed(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_as_printed(t) for t in _label_pieces_joined(row)) for row in rows)


def _label_pieces_joined(row: tuple[str, ...]) -> tuple[str, ...]:
    """A label cut in two cells (its last character set apart by a stroke taken for a rule:
    "(六)其他处" | "理") as one, in the first cell, where the two read as one printed label of
    the form and neither does alone."""
    cells = list(row)
    for c in range(len(cells) - 1):
        head, tail = cells[c].strip(), cells[c + 1].strip()
        if not (head and tail) or is_printed_label(head) and is_printed_label(tail):
            continue
        if normalize_label(head + tail) in PRINTED:
            cells[c], cells[c + 1] = head + tail, ""
    return tuple(cells)


def _as_printed(text: str) -> str:
    """A value's marks as printed, a label as the form prints it when OCR misread it a
    little (labels.closest_printed_label)."""
    text = closest_printed_label(_NUMBERING_MISREAD.sub(r"\1、", text.strip()))
    if _DASHES.match(text):
        return "—"
    if _ZEROS.match(text):
        return text.replace("O", "0").replace("o", "0")
    return text
