"""Table 三 printed without rules, read by position: rows anchored on labels and values.

Table 三's labels sit in nested columns (三、本年度办理结果 printed a character a line,
（三）不予公开 merged over eight rows, then 1.属于国家秘密 …); a label too long for its column
wraps onto lines above and below its values, and a row whose cells are all blank prints no
value at all. So:

- a label starts where the form numbers one (一、 （一） 1. 1、); a chunk that starts none
  continues the label whose last line sits just above it, across from it;
- a label with another beside it, to its right, spans that one's rows (a group, or the
  vertical heading) and names no row of its own;
- a line of values belongs to the row label whose lines reach it; a row label that no
  values reach is a row printed blank.

Which form row a label names is the label registry's business (extract/layout.py), which
also holds the rows to the form's order: a label read against the wrong values is caught.

The seven applicant columns come from the header: the lowest chunk over each stretch of it,
the seven furthest right reading 自然人 … 总计 (a head wrapped as 商业企 / 业 is joined).
A value under no applicant column or under two, two chunks under one, or text among the
values on a line of labels, make the cell ambiguous: flagged, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extract.chunks import (
    COLUMN_SLACK_SHARE,
    Chunk,
    Line,
    Placed,
    column_of,
    is_data,
    lowest_heads,
    nearest_column,
)
from extract.labels import normalize_label, starts_numbered
from extract.values import is_value_like
from nianbao.form import APPLICANT_CODES

APPLICANT_COLUMNS = len(APPLICANT_CODES)
LABEL_COLUMNS = 3  # as ruled: the vertical heading, the group (（三）不予公开), the item

Row = list[list[Chunk]]  # column → its chunks


def application_pieces(regions: Iterable[tuple[int, list[Line]]]) -> list[tuple[int, Placed]]:
    """(page, placed cells) of table 三's pieces; a page that goes on from the one before
    without repeating the header keeps the applicant columns found there."""
    pieces: list[tuple[int, Placed]] = []
    heads: list[Chunk] = []
    waiting: list[tuple[int, list[Line], list[Line]]] = []  # a header, no columns yet
    for page, region in regions:
        header, body = _split_header(region)
        found = applicant_heads(header) or value_columns(header, body)
        if not found and waiting and not heads:
            # The header's page printed too few lines of values to place the columns by
            # (the table broke after row 一): this page's lines place them for both.
            heads = value_columns(waiting[0][1], body)
            if heads:
                ready = [(p, h, b, True) for p, h, b in waiting] + [(page, header, body, False)]
                pieces += [p for p in (_piece(*w, heads) for w in ready) if p is not None]
                waiting = []
                continue
        if not found and not heads and _reads_applicants(header):
            waiting.append((page, header, body))
            continue
        heads = found or heads
        piece = _piece(page, header, body, bool(found), heads)
        if piece is not None:
            pieces.append(piece)
    return pieces


def _piece(
    page: int, header: list[Line], body: list[Line], headed: bool, heads: list[Chunk]
) -> tuple[int, Placed] | None:
    if headed:
        header, body = _label_lines_to_body(header, body, heads)
    else:
        body = header + body  # no header here: those lines are a wrapped label's
    rows = anchored_rows(body, heads) if heads else []
    if not rows:
        return None
    head_row = [_label_head(header, heads), [], [], *([h] for h in heads)]
    return page, _placed(rows, heads, head_row if headed else None)


def _reads_applicants(header: Sequence[Line]) -> bool:
    text = normalize_label("".join(c.text for line in header for c in line))
    return 0 <= text.find("自然人") < text.find("总计")


def _split_header(region: list[Line]) -> tuple[list[Line], list[Line]]:
    """The lines above the first line of values, and the rest."""
    first = next((i for i, line in enumerate(region) if is_data(line)), len(region))
    return region[:first], region[first:]


def _label_lines_to_body(
    header: list[Line], body: list[Line], heads: list[Chunk]
) -> tuple[list[Line], list[Line]]:
    """The first row's label may wrap above its values: the lines under the header with
    nothing under the applicant columns go to the body."""
    left = _values_left(heads)
    cut = len(header)
    while cut > 0 and all(c.centre < left for c in header[cut - 1]):
        cut -= 1
    return header[:cut], header[cut:] + body


def applicant_heads(header: Sequence[Line]) -> list[Chunk]:
    """The seven applicant columns, each one chunk spanning its stacked head text; [] when
    the header does not read 自然人 … 总计."""
    chunks = [c for line in header for c in line]
    lowest = lowest_heads(chunks)
    if len(lowest) < APPLICANT_COLUMNS:
        return []
    heads = [_stacked(low, chunks, lowest) for low in lowest[-APPLICANT_COLUMNS:]]
    first, last = normalize_label(heads[0].text), normalize_label(heads[-1].text)
    return heads if first == "自然人" and "总计" in last else []


# At least this many lines printing all seven values must agree on where the columns are.
MIN_FULL_LINES = 2


def value_columns(header: Sequence[Line], body: Sequence[Line]) -> list[Chunk]:
    """The seven applicant columns where the values put them, when the heads cannot be told
    apart (set solid, 商业企业科研机构… reads as one chunk) but the header does read 自然人 …
    总计: the lines printing seven values, each value's column the same on every such line,
    the columns apart from each other. [] when any of that does not hold. The columns carry
    no head text: the header's order is checked here, not by the table parser."""
    if not _reads_applicants(header):
        return []
    full = [
        line[-APPLICANT_COLUMNS:]
        for line in body
        if len(line) > APPLICANT_COLUMNS
        and all(is_value_like(c.text) for c in line[-APPLICANT_COLUMNS:])
        and not is_value_like(line[-APPLICANT_COLUMNS - 1].text)
    ]
    if len(full) < MIN_FULL_LINES:
        return []
    spans = [
        (min(line[i].left for line in full), max(line[i].right for line in full))
        for i in range(APPLICANT_COLUMNS)
    ]
    if any(a[1] >= b[0] for a, b in zip(spans, spans[1:], strict=False)):
        return []  # two columns' values overlap: the lines do not agree
    size = max(c.size for line in full for c in line)
    top = max(c.top for line in full for c in line)
    return [Chunk("", left, right, top, top, size) for left, right in spans]


def _stacked(low: Chunk, chunks: list[Chunk], lowest: list[Chunk]) -> Chunk:
    """The head over one column: every header chunk above `low` spanning no other column."""
    stack = [
        c
        for c in chunks
        if c is low or (c.overlaps(low) and not any(c.overlaps(o) for o in lowest if o is not low))
    ]
    return Chunk(
        "".join(c.text for c in stack),
        min(c.left for c in stack),
        max(c.right for c in stack),
        min(c.bottom for c in stack),
        max(c.top for c in stack),
        max(c.size for c in stack),
    )


def _label_head(header: list[Line], heads: list[Chunk]) -> list[Chunk]:
    return [c for line in header for c in line if c.right <= heads[0].left]


def _values_left(heads: list[Chunk]) -> float:
    return heads[0].left - COLUMN_SLACK_SHARE * heads[0].size


def anchored_rows(body: list[Line], heads: list[Chunk]) -> list[Row]:
    """Table 三's rows top-down: each the row label (its innermost label) with the line of
    values beside it, or with no values when the row prints none (every cell blank)."""
    left = _values_left(heads)
    chunks = [c for line in body for c in line]
    anchors = [
        line for line in body if any(is_value_like(c.text) and c.centre >= left for c in line)
    ]
    labels = _labels([c for c in chunks if c.centre < left])
    inner = [label for label in labels if not _is_outer(label, labels)]
    rows = _rows_of(inner, [[c for c in a if c.centre >= left] for a in anchors])
    if not any(values for _, values in rows):
        return []
    for label in labels:
        if label not in inner:  # a group or the vertical heading: beside the nearest row
            _nearest_row(rows, label[0].middle)[0].insert(0, label)
    strays = [c for line in body if not any(line is a for a in anchors) for c in line]
    for chunk in strays:
        if chunk.centre >= left:  # text among the values on no line of values: not trusted
            _nearest_row(rows, chunk.middle)[1].append(chunk)
    return [_row(label_cells, values) for label_cells, values in rows]


# A wrapped label's next line starts within this many font sizes below the last.
WRAP_GAP = 1.0
# A line of values belongs to the label whose lines reach within this share of a font size.
REACH_SLACK = 0.3


def _labels(chunks: list[Chunk]) -> list[list[Chunk]]:
    """Label chunks joined into labels, top-down: a chunk that starts no label continues the
    one whose last line sits just above it, across from it."""
    labels: list[list[Chunk]] = []
    for chunk in sorted(chunks, key=lambda c: (-c.top, c.left)):
        # A label begins where the form numbers one (一、 (一) 1. 1、); its wrapped lines do not.
        starts = starts_numbered(normalize_label(chunk.text))
        above = None if starts else _beside(labels, chunk) or _wrapped(labels, chunk)
        if above is None:
            labels.append([chunk])
        else:
            above.append(chunk)
    return labels


# Words of one label set a little apart on its line: XeLaTeX's xeCJK puts glue around CJK
# punctuation and between an ASCII bracket and a CJK character ("3.危及”" "三安全一稳定”").
# (Two ideographs that close are two labels side by side.)
SAME_LABEL_GAP = 0.4


def _beside(labels: list[list[Chunk]], chunk: Chunk) -> list[Chunk] | None:
    """The label whose last chunk ends just left of `chunk` on its line."""
    for label in labels:
        last = label[-1]
        gap = chunk.left - last.right
        glued = not (_ideograph(last.text[-1]) and _ideograph(chunk.text[0]))
        if glued and last.overlaps_line(chunk) and 0 <= gap <= SAME_LABEL_GAP * chunk.size:
            return label
    return None


def _ideograph(char: str) -> bool:
    """Two CJK ideographs apart on a line are two labels (a group's "（四）无" beside an item's
    wrapped "府信息"); xeCJK's glue comes only at punctuation and Latin text."""
    return "\u4e00" <= char <= "\u9fff"


def _wrapped(labels: list[list[Chunk]], chunk: Chunk) -> list[Chunk] | None:
    def gap(label: list[Chunk]) -> float:  # from the label's last line down to the chunk
        return label[-1].bottom - chunk.top

    near = [
        label
        for label in labels
        if label[-1].overlaps(chunk)
        and label[-1].bottom > chunk.bottom
        and -0.5 * chunk.size <= gap(label) <= WRAP_GAP * chunk.size
        and not _heading_character(chunk, label)
    ]
    return min(near, key=gap, default=None)


def _heading_character(chunk: Chunk, label: list[Chunk]) -> bool:
    """One character standing left of where the label starts: the vertical heading's
    (三、本年度办理结果, a character a line) under a row label set close to it, not a
    wrapped line of it (a wrap starts where its label does, or right of it)."""
    text = chunk.text.strip()
    starts = min(c.left for c in label)
    return len(text) == 1 and _ideograph(text) and chunk.left < starts - 0.5 * chunk.size


def _extent(label: list[Chunk]) -> tuple[float, float]:
    return min(c.bottom for c in label), max(c.top for c in label)


def _is_outer(label: list[Chunk], labels: list[list[Chunk]]) -> bool:
    """A label with another to its right beside it spans that one's rows: a group
    (（三）不予公开) or the vertical 三、本年度办理结果."""
    bottom, top = _extent(label)
    right = max(c.right for c in label)
    return any(
        min(c.left for c in other) >= right - COLUMN_SLACK_SHARE * other[0].size
        and _extent(other)[0] < top
        and bottom < _extent(other)[1]
        for other in labels
        if other is not label
    )


LabelledRow = tuple[list[list[Chunk]], list[Chunk]]  # its labels (innermost last), its values


def _rows_of(inner: list[list[Chunk]], anchors: list[list[Chunk]]) -> list[LabelledRow]:
    """Each line of values beside the label whose lines reach it; a label no values reach
    is a row printing none; values reaching no label are a row without one."""
    placed: list[tuple[float, LabelledRow]] = []
    used: set[int] = set()
    for values in anchors:
        middle = _middle(tuple(values))
        n = _reaching(inner, middle)
        if n is not None:
            used.add(n)
        placed.append((middle, ([inner[n]] if n is not None else [], values)))
    placed += [
        (sum(_extent(label)) / 2, ([label], [])) for n, label in enumerate(inner) if n not in used
    ]
    return [row for _, row in sorted(placed, key=lambda p: -p[0])]


def _reaching(inner: list[list[Chunk]], middle: float) -> int | None:
    def distance(label: list[Chunk]) -> float:
        bottom, top = _extent(label)
        return max(bottom - middle, middle - top, 0.0)

    near = [n for n, label in enumerate(inner) if distance(label) <= REACH_SLACK * label[0].size]
    return min(near, key=lambda n: abs(sum(_extent(inner[n])) / 2 - middle), default=None)


def _nearest_row(rows: list[LabelledRow], y: float) -> LabelledRow:
    def middle(row: LabelledRow) -> float:
        labels, values = row
        return _middle(tuple(values)) if values else sum(_extent(labels[-1])) / 2

    return min(rows, key=lambda row: abs(middle(row) - y))


def _middle(line: Line) -> float:
    return sum(c.middle for c in line) / len(line)


def _row(labels: list[list[Chunk]], values: list[Chunk]) -> Row:
    outer_first = sorted(labels, key=lambda label: min(c.left for c in label))
    ordered = [sorted(label, key=lambda c: (-c.top, c.left)) for label in outer_first]
    while len(ordered) > LABEL_COLUMNS:
        ordered[:2] = [ordered[0] + ordered[1]]
    return [*([[] for _ in range(LABEL_COLUMNS - len(ordered))] + ordered), *([v] for v in values)]


def _placed(rows: list[Row], heads: list[Chunk], header: Row | None) -> Placed:
    """Each row's values put under their applicant columns, label cells as gathered; the
    header row (the applicant heads, which the table parser checks) first when printed."""
    cells = [tuple(tuple(cell) for cell in header)] if header else []
    ambiguous: set[tuple[int, int]] = set()
    for row in rows:
        r = len(cells)
        labels, values = row[:LABEL_COLUMNS], [c for cell in row[LABEL_COLUMNS:] for c in cell]
        columns: list[list[Chunk]] = [[] for _ in range(APPLICANT_COLUMNS)]
        for chunk in values:
            c = column_of(heads, chunk)
            if c is None or not is_value_like(chunk.text):
                c = nearest_column(heads, chunk) if c is None else c
                ambiguous.add((r, LABEL_COLUMNS + c))
            columns[c].append(chunk)
        ambiguous.update((r, LABEL_COLUMNS + c) for c, cell in enumerate(columns) if len(cell) > 1)
        cells.append(tuple(tuple(cell) for cell in [*labels, *columns]))
    return Placed(tuple(cells), frozenset(ambiguous))
