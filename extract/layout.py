"""Ruled grids → cells under SPEC codes, for each of tables 二, 三 and 四."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from extract.grid import HTML_METHOD, OCR_METHOD, TEXT_POSITION, Grid
from extract.labels import (
    APPLICATION_ROW_LABELS,
    DISCLOSURE_ITEM_LABELS,
    DISCLOSURE_MEASURE_LABELS,
    IDEOGRAPH,
    PAGE_FOOTER,
    PRINTED,
    REVIEW_OUTCOME_LABELS,
    TABLE_MARKERS,
    closest_printed_label,
    is_printed_label,
    leading_number,
    match_row,
    match_rows,
    normalize_label,
    starts_numbered,
)
from extract.sums import columns_hold
from extract.values import (
    ZERO_MARKS,
    clean_text,
    has_number,
    is_value_like,
    parse_amount,
    parse_count,
)
from nianbao.errors import UnknownLayout
from nianbao.form import (
    APPLICANT_CODES,
    DISCLOSURE_MEASURES,
    FORM_ROW_ORDER,
    OUTCOME_CODES,
    PROCEEDING_CODES,
    REVIEW_CELLS,
    ROW_CODES_23,
    ROW_CODES_25,
)
from nianbao.records import Cell, Number, TablePiece, UnreadTable

Row = tuple[str, ...]

REVIEW_COLUMNS = REVIEW_CELLS
APPLICANT_COLUMNS = len(APPLICANT_CODES)
# A stacked, merged header can leave heads blank, and a header cut by a page break can leave
# a whole proceeding's five heads in a piece of other columns on the page before; more than
# a third of the 15 not naming their outcome is no longer evidence the columns are the form's.
MAX_UNREAD_HEADS = 5


def classify_grid(grid: Grid) -> str | None:
    """Which table ('disclosure' | 'review' | 'application') a grid is part of, if any."""
    text = normalize_label("".join("".join(r) for r in grid.rows))
    for table, marker in TABLE_MARKERS.items():
        if marker.search(text):
            return table
    width = APPLICANT_COLUMNS
    if any(_application_code(_leaf(r[:-width])) for r in grid.rows if len(r) > width):
        return "application"  # a continuation piece of table 三 with no header
    if any(match_row(DISCLOSURE_ITEM_LABELS, normalize_label(r[0])) for r in grid.rows if r):
        return "disclosure"  # table 二's last item carried onto the next page
    return None


def _continuation_of(previous: str | None, grid: Grid) -> str | None:
    """A headless piece right after table 四 (its values carried onto the next page)."""
    if previous == "review" and any(
        len(r) >= REVIEW_COLUMNS and (_is_review_data(r) or _all_zero_marks(r)) for r in grid.rows
    ):
        return "review"
    return None


def _leaf(labels: Iterable[str]) -> str:
    """The innermost (rightmost non-empty) label of a row, normalized."""
    texts = [normalize_label(t) for t in labels]
    texts = [t for t in texts if t]
    return texts[-1] if texts else ""


def _joined_label_code(labels: Row) -> str | None:
    """The row a label names when read across its cells: one label over two columns (（六）
    其他处理 of the 23-row form) that a character's stroke, taken for the column rule above
    it, cut in two ("（六）其" | "处理"). Only a label the form prints as one row's whole
    label counts, and only from two pieces or more."""
    pieces = [t for t in labels if normalize_label(t)]
    if len(pieces) < 2 or not is_printed_label("".join(pieces)):
        return None  # e.g. the vertical heading's 三、 beside a group label: not one label
    joined = normalize_label(closest_printed_label("".join(pieces)))
    return _application_code(joined) if joined in PRINTED else None


def _application_code(leaf: str) -> str | None:
    return match_row(APPLICATION_ROW_LABELS, leaf) if leaf else None


# ---- table 三 ---------------------------------------------------------------------------


def parse_application(grids: list[Grid]) -> list[Cell]:
    for grid in grids:
        _check_applicant_header(grid)
    in_order = bool(grids) and all(g.method in PLACED_IN_ORDER for g in grids)
    rows = [
        (g, r, *_row_code(g, g.rows[r], leaf, columns_lost=in_order))
        for g, r, leaf in _application_rows(grids)
    ]
    return _read_rows(_placed_in_order(rows) if in_order else _placed_by_label(rows))


# A row of table 三 with its code, from the grid (grid, its line or the lines it was read
# in, code, doubted)
PlacedRow = tuple[Grid, tuple[int, ...], str, bool]
ValueRow = tuple[Grid, tuple[int, ...], str | None]
# Grids whose rows are placed by the form's order where a label is doubted: OCR misreads a
# label ('3其他', '一、本个新收…'), loses one under a seal, or reads a row twice.
PLACED_IN_ORDER = frozenset({OCR_METHOD})
# Cell.reading of a row whose label was read, but beside rows that do not fit the form's
# order around it: its label may be a misread neighbour's
ROW_DOUBTED = "row-doubted"
# Why a row's values are not read: too few columns for a label and seven values (a scan
# whose column rule a seal hid); its label still names its place
COLUMNS_LOST = "columns-lost"


def _placed_by_label(rows: list[tuple[Grid, int, str | None, str | None]]) -> list[PlacedRow]:
    """Each row under the form row its label names; a label that names none, a row printed
    twice or out of the form's order, and the table is not placed."""
    placed: list[PlacedRow] = []
    seen: list[str] = []
    for grid, r, code, doubt in rows:
        if doubt is not None:
            raise UnknownLayout(doubt)
        if code is None:
            continue
        _check_row_order(grid, code, seen)
        seen.append(code)
        placed.append((grid, (r,), code, False))
    return placed


def _placed_in_order(rows: list[tuple[Grid, int, str | None, str | None]]) -> list[PlacedRow]:
    """Each row with values under the form row it stands for. A label read once names its row;
    a row whose label names none, or one read twice, is placed by its order when exactly as
    many such rows stand between two named rows as the form prints between them (the form's
    rows come in one order, each once). Where the counts differ, those rows are not placed
    (R6 names their cells missing) and the named rows next to them are doubted. Where there
    are more rows than the form prints, each whole run of named rows next to them is doubted
    (rows that follow one another on the form as in the grid): a run of labels each misread
    as the next row's skips a code where it starts and leaves a row over where it ends (row
    1's label read as 2's, and 2's lost, leaves a row between 2 and 3.1), so the misread one
    can be anywhere in the run that ends there. Fewer rows than the form prints (rows the
    grid lost, or one split in two and read twice) doubt the named rows beside them: a label
    set a row below its values, its own row lost, reads as a row lost further down (fuzz
    930032). Rows placed by count between two named rows are doubted with either of them.
    """
    value_rows = _split_rows_joined(
        [
            (g, (r,), None if _names_two_rows(g.rows[r]) else code)
            for g, r, code, doubt in rows
            if _is_value_row(g, r, code, doubt) or _is_blank_row(g, r)
        ]
    )
    blank = {i for i, (g, lines, _) in enumerate(value_rows) if _is_blank_row(g, lines[0])}
    codes = [code for _, _, code in value_rows if code is not None]
    twice = {code for code in codes if codes.count(code) > 1}
    named = {
        i: code
        for i, (_, _, code) in enumerate(value_rows)
        if code is not None and code not in twice
    }
    printed = _printed_rows(list(named.values()), len(value_rows) - len(blank))
    _check_named_order(value_rows, named, printed)
    as_printed = _placed_as_printed(
        [row for i, row in enumerate(value_rows) if i not in blank], printed
    ) or _placed_as_printed(value_rows, printed)
    if as_printed is not None:
        return as_printed
    marks = [(-1, -1), *((i, printed.index(c)) for i, c in named.items())]
    marks.append((len(value_rows), len(printed)))
    codes_at = dict(named)
    doubted: set[int] = set()
    by_count: list[tuple[int, int, list[int]]] = []  # rows placed by count, between i0 and i1
    for n, ((i0, k0), (i1, k1)) in enumerate(zip(marks, marks[1:], strict=False)):
        spanned, between = range(i0 + 1, i1), printed[k0 + 1 : k1]
        unnamed = [i for i in spanned if i not in blank]
        placed = list(spanned) if len(spanned) == len(between) else unnamed
        if len(placed) == len(between):  # blank rows too, where a row printed blank for zeros
            codes_at.update(zip(placed, between, strict=True))
            by_count.append((i0, i1, placed))
        elif len(unnamed) > len(between):
            doubted |= _run(marks, n, -1) | _run(marks, n + 1, +1)
        else:
            doubted |= {i0, i1} & set(named)
    # A row placed by count between named rows is only as sure as they are
    doubted |= {i for i0, i1, placed in by_count if {i0, i1} & doubted for i in placed}
    return [
        (g, lines, codes_at[i], i in doubted)
        for i, (g, lines, _) in enumerate(value_rows)
        if i in codes_at
    ]


# Labels a scan may misread in a table 三 placed row by row where the form prints its rows
MAX_MISREAD_LABELS = 3


def _names_two_rows(row: Row) -> bool:
    """A label cell that holds two rows' labels (a rule between them lost, or a position
    reader's lines merged: fuzz 900014's '8.属于行政查询事项 法1.本机关不掌握…') names
    neither: whose values sit beside it cannot be told from the label."""
    return len(_codes_named(row)) > 1


def _split_rows_joined(value_rows: list[ValueRow]) -> list[ValueRow]:
    """Lines one after the other whose values fill different columns, under one label or one
    of them under none, as the one row they are: a position reader can read a row's values
    on two lines when one sits a little high (fuzz 900015: 3.3.2's 社会公益组织 '1' a line
    above its other values; 940014: （二）'s values a line above its label, which has none).
    Two rows of the form never do: each prints its 总计."""
    joined: list[ValueRow] = []
    for grid, lines, code in value_rows:
        if joined and _split_halves(joined[-1], (grid, lines, code)):
            previous = joined.pop()
            lines, code = previous[1] + lines, code or previous[2]
        joined.append((grid, lines, code))
    return joined


def _split_halves(first: ValueRow, second: ValueRow) -> bool:
    (grid, lines, code), (other, more, other_code) = first, second
    same_label = code == other_code or None in (code, other_code)
    if grid is not other or not same_label or (code, other_code) == (None, None):
        return False
    if more[0] != lines[-1] + 1:
        return False
    filled = [
        {i for i, v in enumerate(grid.rows[r][-APPLICANT_COLUMNS:]) if clean_text(v)}
        for r in (*lines, *more)
    ]
    apart = all(a.isdisjoint(b) for n, a in enumerate(filled) for b in filled[n + 1 :])
    # A line with neither label nor value is a row printed blank, or a spacer: never a half
    labelled = [code is not None] * len(lines) + [other_code is not None] * len(more)
    return apart and all(f or named for f, named in zip(filled, labelled, strict=True))


def _is_value_row(grid: Grid, r: int, code: str | None, doubt: str | None) -> bool:
    """Whether a row of table 三 holds a form row's values: a row named by its label, one
    with values and a label naming none, or one of zero marks only (its label lost, fuzz
    910013's 3.1 printed '/' across). A line whose value cells hold words is a header, though
    a row's label be read into it (a header cell and 一's label read as one)."""
    if doubt == COLUMNS_LOST:
        return True
    values = grid.rows[r][-APPLICANT_COLUMNS:]
    if len(grid.rows[r]) <= APPLICANT_COLUMNS or any(IDEOGRAPH.search(v) for v in values):
        return False
    marks_only = all(clean_text(v) in ZERO_MARKS for v in values)
    return code is not None or doubt is not None or (marks_only and any(map(clean_text, values)))


def _is_blank_row(grid: Grid, r: int) -> bool:
    """A ruled row with nothing in it: a row printed blank for zeros whose label was lost
    (fuzz 910017: 二's label read into the header cell above, its values blank), or a
    spacer. Placed only where it makes the count of rows the form's."""
    row = grid.rows[r]
    return len(row) > APPLICANT_COLUMNS and not any(map(clean_text, row))


def _placed_as_printed(
    value_rows: list[ValueRow], printed: tuple[str, ...]
) -> list[PlacedRow] | None:
    """Every row under the form row at its place, when the grid holds as many rows with values
    as the form prints, one label at most names another row, no more than MAX_MISREAD_LABELS
    name another or none, and every column sum holds with the rows so placed. A label read
    as its neighbour's (fuzz 910016: 一's cell read with 二's line in it, 二's own label lost)
    leaves the count right and a label wrong: the column sums (R4: 一 + 二 = 总计 + 四) say the
    order is right. A lost row and a spurious one would shift the rows between them: the
    column sums fail unless the rows shifted are alike."""
    if len(value_rows) != len(printed):
        return None
    named_other = sum(c is not None and c != printed[i] for i, (_, _, c) in enumerate(value_rows))
    unnamed = sum(c is None for _, _, c in value_rows)
    if named_other > 1 or named_other + unnamed > MAX_MISREAD_LABELS:
        return None
    placed = [(g, lines, printed[i], False) for i, (g, lines, _) in enumerate(value_rows)]
    return placed if columns_hold(_read_rows(placed), len(printed)) else None


def _read_rows(placed: list[PlacedRow]) -> list[Cell]:
    """The cells of table 三's rows as placed, each value read twice (read_value); a row read
    on two lines takes each value from the line that holds it."""
    cells: list[Cell] = []
    for grid, lines, code, doubted in placed:
        if len(grid.rows[lines[0]]) <= APPLICANT_COLUMNS:
            cells.extend(_columns_lost(grid, lines[0], code))
            continue
        first = len(grid.rows[lines[0]]) - len(APPLICANT_CODES)
        read = [
            read_value(grid, _line_of(grid, lines, c), c, parse_count, ("application", code, col))
            for c, col in enumerate(APPLICANT_CODES, start=first)
        ]
        cells.extend(_refused(c, ROW_DOUBTED) if doubted else c for c in read)
    return cells


def _columns_lost(grid: Grid, r: int, code: str) -> list[Cell]:
    """A row whose columns were not all found (fuzz 900024: a seal over a column rule, two
    values in one cell): its place on the form is known, its values' columns are not."""
    printed = " | ".join(grid.rows[r][1:])
    return [
        Cell("application", code, col, None, printed, grid.page, grid.order, "ambiguous", "")
        for col in APPLICANT_CODES
    ]


def _line_of(grid: Grid, lines: tuple[int, ...], c: int) -> int:
    return next((r for r in lines if clean_text(grid.rows[r][c])), lines[0])


def _run(marks: list[tuple[int, int]], start: int, step: int) -> set[int]:
    """Grid positions of the named rows from marks[start] on, in the direction `step`, while
    each is the next row of the grid and of the form (marks[0] and marks[-1] stand for the
    table's ends, not rows)."""
    run: set[int] = set()
    n = start
    while 0 < n < len(marks) - 1:
        run.add(marks[n][0])
        following = marks[n + step]
        if abs(following[0] - marks[n][0]) != 1 or abs(following[1] - marks[n][1]) != 1:
            break
        n += step
    return run


def _printed_rows(named: list[str], count: int) -> tuple[str, ...]:
    """The rows the report's form prints: 23 when （六）其他处理 is one row, else 25."""
    if "3.6" in named:
        return ROW_CODES_23
    if any(code.startswith("3.6.") for code in named):
        return ROW_CODES_25
    return ROW_CODES_23 if count == len(ROW_CODES_23) else ROW_CODES_25


def _check_named_order(
    value_rows: list[ValueRow], named: dict[int, str], printed: tuple[str, ...]
) -> None:
    """Rows named out of the form's order: which label is the misread one cannot be told.
    Every row a label names counts, those of a label read twice or naming two rows too (fuzz
    930032: a label cell holding 3.3.8's text two rows below 3.5.1's, the labels of that
    page displaced from their values): a label naming several rows is out of order only when
    all of them come before the first a label above it named (a cell holding 3.1's, 3.2's and
    3.3.1's labels, read beside each of their three rows, is in order: fuzz 900015)."""
    for i, code in named.items():
        if code not in printed:
            raise UnknownLayout(
                f"table 三 on page {value_rows[i][0].page}: row {code} and row 3.6 both printed"
            )
    floor: tuple[str, Grid] | None = None  # the latest row a label before named for sure
    for grid, lines, _ in value_rows:
        codes = sorted(_codes_named(grid.rows[lines[0]]), key=FORM_ROW_ORDER.index)
        if not codes:
            continue
        if floor is not None and _before(codes[-1], floor[0]):
            raise UnknownLayout(
                f"table 三 on page {grid.page}: row {codes[-1]} comes after row {floor[0]} "
                f"(page {floor[1].page}), out of the form's order"
            )
        if floor is None or _before(floor[0], codes[0]):
            floor = (codes[0], grid)


def _before(code: str, other: str) -> bool:
    return FORM_ROW_ORDER.index(code) < FORM_ROW_ORDER.index(other)


def _codes_named(row: Row) -> set[str]:
    """Every form row a row's label names (two where a cell holds two rows' labels)."""
    if len(row) <= APPLICANT_COLUMNS:
        return set()
    leaf = _leaf(row[:-APPLICANT_COLUMNS])
    codes = match_rows(APPLICATION_ROW_LABELS, leaf)
    return codes or {c for c in [_joined_label_code(row[:-APPLICANT_COLUMNS])] if c}


# How far into the next page a label cut by a page break may continue (a repeated header
# can come first).
_BREAK_LOOKAHEAD = 4


def _application_rows(grids: list[Grid]) -> Iterator[tuple[Grid, int, str | None]]:
    """Every row of table 三, in order, with the label to read it under when that is not its
    own: Word lets a row break across pages, so a long label's first line can sit at the foot
    of one page ("1.本机关不") and the rest atop the next, its values on one side. Those two
    halves are one row: the joined label, read with the half that holds the values."""
    flat = [(g, r) for g in grids for r in range(len(g.rows))]
    taken: set[int] = set()
    for n, (grid, r) in enumerate(flat):
        if n in taken:
            continue
        joined = _joined_across_break(flat, n)
        if joined is None:
            yield grid, r, None
            continue
        other, leaf, values_from = joined
        taken.add(other)
        yield flat[values_from][0], flat[values_from][1], leaf


def _joined_across_break(flat: list[tuple[Grid, int]], n: int) -> tuple[int, str, int] | None:
    """(index of the other half, joined label, index of the half with the values) when row
    `n` ends its page and the next page opens with the rest of its label ("3.危及“三安全" /
    "一稳定”", or "1.本机关不" / "掌握相关政府信息"); None otherwise. The halves are one row
    only if the joined label names the row the first half names (when it names one), and the
    values sit on one side only."""
    grid, r = flat[n]
    width = APPLICANT_COLUMNS
    row = grid.rows[r]
    if r != len(grid.rows) - 1 or len(row) <= width:
        return None
    head = _leaf(row[:-width])
    if not head or PAGE_FOOTER.match(head):
        return None
    head_code = _application_code(head)
    following = [m for m in range(n + 1, len(flat)) if flat[m][0] is not grid]
    for m in following[:_BREAK_LOOKAHEAD]:
        tail_row = flat[m][0].rows[flat[m][1]]
        tail = _leaf(tail_row[:-width]) if len(tail_row) > width else ""
        if not tail or _APPLICATION_HEADER.search(tail):
            continue  # a repeated header line
        code = _application_code(head + tail)
        if _application_code(tail) and (starts_numbered(tail) or code is None):
            # The next page opens with a whole row of its own; a tail unnumbered that names
            # the row the joined label names ("2.没有现成信" / "息需要另行制作") is its rest.
            return None
        if code is None or (head_code is not None and code != head_code):
            return None
        head_values = any(has_number(c) for c in row[-width:])
        tail_values = any(has_number(c) for c in tail_row[-width:])
        if head_values and tail_values:
            return None  # values on both sides: which are the row's cannot be told
        return m, head + tail, m if tail_values else n
    return None


# A header line of table 三, repeated atop a continuation page.
_APPLICATION_HEADER = re.compile(r"申请人情况|自然人|法人或其他组织|商业企业|科研机构|勾稽关系")


# What a disagreement of the two readings is called, by how the grid was found: lattice grids
# are read twice by pdfium glyphs and camelot's text; grids read by position by the glyphs
# and pdfium's own bounded text; web pages by lxml and selectolax.
DIFFERS: dict[str, str] = {
    TEXT_POSITION: "bounded-text-differs",
    HTML_METHOD: "html-parsers-differ",
    OCR_METHOD: "ocr-readings-differ",
}
# Where neither reading is known to be the better one, a value they do not agree on is not
# loaded (R1 names it). In a PDF the glyph reading is the better: camelot places the text of
# some CFF fonts a row low, so its disagreement is recorded, not trusted.
REFUSED_WHEN_DIFFERING: frozenset[str] = frozenset({HTML_METHOD, OCR_METHOD})


def read_value(
    grid: Grid, r: int, c: int, parse: Callable[[str], Number | None], key: tuple[str, str, str]
) -> Cell:
    """A value cell, read twice: the glyph reading is kept; a cell whose glyphs sit on a rule,
    or that is merged into a neighbour (the form merges no value cells of tables 三 and 四),
    is not trusted. The cell a merge starts at holds the text of all its cells: in a scan
    whose seal hid a column rule, 其他 held 总计's 3. A number of table 二 whose ink stands
    in more pieces than it has characters (Grid.uncounted) is not trusted: no sum checks it."""
    raw, second = grid.rows[r][c], grid.second_rows[r][c]
    value = parse(raw)
    merges = key[0] != "disclosure" and not {(r, c + 1), (r + 1, c)}.isdisjoint(grid.covered)
    unsummed = key[0] == "disclosure" and (r, c) in grid.uncounted
    if (r, c) in grid.ambiguous or (r, c) in grid.covered or merges or unsummed:
        value, reading = None, "ambiguous"
    elif parse(second) == value:
        reading = "agree"
    else:
        reading = DIFFERS.get(grid.method, "camelot-differs")
        value = None if grid.method in REFUSED_WHEN_DIFFERING else value
    return Cell(*key, value, raw, grid.page, grid.order, reading, second)


def _row_code(
    grid: Grid, row: Row, leaf: str | None = None, *, columns_lost: bool = False
) -> tuple[str | None, str | None]:
    """(the form row a row's label names, None) or (None, why its label names none though
    it holds values); (None, None) for a header, a group heading or a page footer. A row with
    values too narrow for a label and seven values refuses the table, or where `columns_lost`
    (a scan, whose seal can hide a column rule) is (the row its first cell names, COLUMNS_LOST)."""
    width = APPLICANT_COLUMNS
    if len(row) <= width:
        if not any(has_number(c) for c in row):
            return None, None
        if columns_lost:
            return _application_code(normalize_label(row[0])), COLUMNS_LOST
        raise UnknownLayout(
            f"table 三 on page {grid.page}: a row has {len(row)} columns, not 6+1 values and a label"
        )
    leaf = leaf or _leaf(row[:-width])
    code = _application_code(leaf) or _joined_label_code(row[:-width])
    if code is None:
        if any(has_number(c) for c in row[-width:]) and not PAGE_FOOTER.match(leaf):
            return None, (
                f"table 三 on page {grid.page}: row label {leaf or '(none)'!r} is not one of the form's rows"
            )
        return None, None
    number = leading_number(leaf)
    if number is not None and code.count(".") == 2 and int(code.rsplit(".", 1)[1]) != number:
        return None, (
            f"table 三 on page {grid.page}: label {leaf!r} is numbered {number} but reads as row {code}"
        )
    return code, None


def _check_row_order(grid: Grid, code: str, seen: list[str]) -> None:
    """Every report prints the form's rows once each, in the form's order; a row out of
    place means a label was read against the wrong values."""
    if code in seen:
        raise UnknownLayout(f"table 三: row {code} printed twice (page {grid.page})")
    if seen and FORM_ROW_ORDER.index(code) < FORM_ROW_ORDER.index(seen[-1]):
        raise UnknownLayout(
            f"table 三 on page {grid.page}: row {code} comes after row {seen[-1]}, "
            "out of the form's order"
        )


def _check_applicant_header(grid: Grid) -> None:
    """The applicant heads, where a row prints them, must be the form's, in its order. A row
    too narrow to hold a label and seven values is a piece of a header cut by a page break
    (its seven heads finish on the next page): no evidence either way."""
    width = APPLICANT_COLUMNS
    for row in grid.rows:
        if len(row) <= width:
            continue
        values = [normalize_label(c) for c in row[-width:]]
        if "自然人" in values:
            # 总计 may be hidden (a seal over the corner, its cell read blank), never elsewhere.
            last = "总计" in values[-1] or (not values[-1] and not any("总计" in v for v in values))
            if values[0] != "自然人" or not last:
                raise UnknownLayout(
                    f"table 三 on page {grid.page}: applicant columns are not in form order "
                    f"(自然人 … 总计): {values}"
                )
            return


# ---- table 四 ---------------------------------------------------------------------------

_PROCEEDING_HEADERS = ("行政复议", "未经复议|直接起诉", "复议后起诉")


def parse_review(grids: list[Grid]) -> list[Cell]:
    rows = [(g, i, r) for g in grids for i, r in enumerate(g.rows) if len(r) >= REVIEW_COLUMNS]
    data = [(g, i, r) for g, i, r in rows if _is_review_data(r)] or _values_all_zero(rows)
    if not data and grids:
        # Its heads found, its row of values not: a scan whose seal hid column rules found
        # that row with fewer columns than the form's 15 (fuzz 910002, on the next page).
        raise UnknownLayout(
            f"table 四 on page {grids[0].page}: its heads found, but no row of its "
            f"{REVIEW_COLUMNS} values below them"
        )
    if not data:
        return []
    if len(data) > 1:
        raise UnknownLayout(
            f"table 四 on page {data[0][0].page}: {len(data)} rows of values, the form has one"
        )
    grid, index, row = data[0]
    # The header may sit on the page before the values when the table breaks across pages.
    first = _first_value_column(grid)
    _check_review_header(
        grid,
        [
            r[_first_value_column(g) :][:REVIEW_COLUMNS]
            for g, i, r in rows
            if (g, i) != (grid, index)
        ],
    )
    if not _review_headed(grids):
        raise UnknownLayout(f"table 四 on page {grid.page}: no 行政复议 heading above its values")
    cells = [
        read_value(
            grid,
            index,
            first + i,
            parse_count,
            (
                "review",
                PROCEEDING_CODES[i // len(OUTCOME_CODES)],
                OUTCOME_CODES[i % len(OUTCOME_CODES)],
            ),
        )
        for i in range(REVIEW_COLUMNS)
    ]
    if any(has_number(c) for c in row[:first]):  # more numbers than the form's 15: shifted?
        cells = [_refused(cell) for cell in cells]
    return cells


def _review_headed(grids: list[Grid]) -> bool:
    """Table 四's heads name 行政复议; or, when its first row of heads (行政复议 | 行政诉讼) is
    left alone at the foot of the page before, with no column rule to make it a table there,
    both of 行政诉讼's own heads name the proceedings its last ten columns are."""
    texts = {normalize_label(c) for g in grids for r in g.rows for c in r}
    if any("行政复议" in t for t in texts):
        return True
    return all(any(head in t for t in texts) for head in ("未经复议直接起诉", "复议后起诉"))


def _first_value_column(grid: Grid) -> int:
    """Where table 四's 15 columns start in `grid`: they end at its last column with any
    text (a stray rule can add an empty column after them)."""
    used = [c for r in grid.rows for c, text in enumerate(r) if text.strip()]
    last = max(used) if used else grid.ncols - 1
    return max(0, last + 1 - REVIEW_COLUMNS)


def _is_review_data(row: Row) -> bool:
    values = row[-REVIEW_COLUMNS:]
    return any(has_number(c) for c in values) and all(is_value_like(c) for c in values)


def _all_zero_marks(row: Row) -> bool:
    """15 zero marks ('—', '/'), none blank: a values row with nothing to count."""
    values = row[-REVIEW_COLUMNS:]
    return all(is_value_like(c) and not has_number(c) and c.strip() for c in values)


def _values_all_zero(rows: list[tuple[Grid, int, Row]]) -> list[tuple[Grid, int, Row]]:
    """A body with no reconsideration and no lawsuit prints its one row of values as zero
    marks or blanks throughout: the row right below the last row of outcome heads, when all
    its 15 cells could be values."""
    heads = [n for n, (_, _, r) in enumerate(rows) if _outcome_heads(r) >= len(OUTCOME_CODES)]
    if not heads or heads[-1] + 1 >= len(rows):
        return []
    below = rows[heads[-1] + 1]
    values = below[2][-REVIEW_COLUMNS:]
    if all(is_value_like(c) for c in values) and _outcome_heads(below[2]) == 0:
        return [below]
    return []


def _outcome_heads(row: Row) -> int:
    """How many of the row's last 15 cells name an outcome of the form."""
    return sum(
        any(o.pattern.search(normalize_label(c)) for o in REVIEW_OUTCOME_LABELS)
        for c in row[-REVIEW_COLUMNS:]
    )


def _check_review_header(grid: Grid, header_rows: list[Row]) -> None:
    """The header is evidence, not a gate: the values' columns are placed by position and
    count (15, the form's), and the header must not contradict that. A column whose head
    reads blank or odd (a stacked, merged Word header) is taken for the form's; one whose head
    names another outcome means the columns are not where the form prints them, and so does a
    header that matches in too few columns to be this table's."""
    unread = []
    for i in range(REVIEW_COLUMNS):
        text = "".join(normalize_label(r[i]) for r in header_rows if i < len(r))
        outcome = REVIEW_OUTCOME_LABELS[i % len(REVIEW_OUTCOME_LABELS)]
        if outcome.pattern.search(text):
            continue
        other = next((o for o in REVIEW_OUTCOME_LABELS if o.pattern.search(text)), None)
        if other is not None:
            raise UnknownLayout(
                f"table 四 on page {grid.page}: column {i + 1} header {text!r} is "
                f"{other.code!r}, where the form prints {outcome.code!r}"
            )
        unread.append(i)
    if len(unread) > MAX_UNREAD_HEADS:
        raise UnknownLayout(
            f"table 四 on page {grid.page}: {len(unread)} of {REVIEW_COLUMNS} column headers "
            "name no outcome of the form"
        )
    _check_proceeding_heads(grid, header_rows)


def _check_proceeding_heads(grid: Grid, header_rows: list[Row]) -> None:
    """Each proceeding's five columns must not sit under another proceeding's heading (the
    outcomes repeat every five columns, so only this tells a shift by five). A heading may be
    missing (cut off onto the page before); one naming the wrong proceeding is a misreading."""
    width = len(OUTCOME_CODES)
    for n, own in enumerate(_PROCEEDING_HEADERS):
        first = n * width
        text = "".join(
            normalize_label(r[i])
            for r in header_rows
            for i in range(first, first + width)
            if i < len(r)
        )
        if re.search(own, text):
            continue
        other = next((p for p in _PROCEEDING_HEADERS if p != own and re.search(p, text)), None)
        if other is not None:
            raise UnknownLayout(
                f"table 四 on page {grid.page}: columns {first + 1}–{first + width} are under "
                f"{other}, where the form prints {own}"
            )


# ---- table 二 ---------------------------------------------------------------------------


def parse_disclosure(grids: list[Grid]) -> list[Cell]:
    """Each item's values under the heads that name its measures (the form's place, column
    1, 2, 3 after the label, when no head names them). A number printed in the item's row
    outside those columns means the row was not read as printed: its cells are refused."""
    cells: list[Cell] = []
    for grid in grids:
        heads: dict[str, int] = {}
        for r, row in enumerate(grid.rows):
            heads = _measure_heads(row) or heads
            item = match_row(DISCLOSURE_ITEM_LABELS, normalize_label(row[0]))
            if item is None:
                continue
            measures = DISCLOSURE_MEASURES[item]
            columns = [heads.get(m, 1 + i) for i, m in enumerate(measures)]
            # A rule not seen: the row has too few cells, a head names two measures, or two
            # measures fall in one column; its values cannot be placed.
            if max(columns) >= len(row) or _MERGED in columns or len(set(columns)) < len(columns):
                cells.extend(_unplaced(grid, row, item, measures))
                continue
            parse = parse_amount if item == "administrative_fees" else parse_count
            read = [
                read_value(grid, r, c, parse, ("disclosure", item, m))
                for c, m in zip(columns, measures, strict=True)
            ]
            stray = [c for c in range(1, len(row)) if c not in columns and has_number(row[c])]
            if stray:
                read = [_refused(cell) for cell in read]
            cells.extend(read)
    return cells


def _unplaced(grid: Grid, row: Row, item: str, measures: tuple[str, ...]) -> list[Cell]:
    """The item's cells refused, what its row printed after the label kept as read: the row
    has fewer cells than its measures' columns (a scan's rule between them not seen)."""
    printed = " ".join(t for t in row[1:] if t.strip())
    return [
        Cell("disclosure", item, m, None, printed, grid.page, grid.order, "ambiguous")
        for m in measures
    ]


def _measure_heads(row: Row) -> dict[str, int]:
    """measure → column, for a header row of table 二 (信息内容 本年制发件数 …); _MERGED for
    the measures of a head that names two (the rule between their columns not seen)."""
    found: dict[str, int] = {}
    for c, text in enumerate(row):
        label = normalize_label(text)
        named = [e.code for e in DISCLOSURE_MEASURE_LABELS if e.pattern.search(label)]
        for measure in named:
            if measure not in found:
                found[measure] = c if len(named) == 1 else _MERGED
    return found


_MERGED = -1


def _refused(cell: Cell, reading: str = "ambiguous") -> Cell:
    """The cell as printed, its value not trusted (R1 names it)."""
    return replace(cell, value=None, reading=reading)


TABLE_PARSERS: dict[str, Callable[[list[Grid]], list[Cell]]] = {
    "disclosure": parse_disclosure,
    "application": parse_application,
    "review": parse_review,
}


Parsed = tuple[list[Cell], list[TablePiece], list[UnreadTable]]


def parse_table(table: str, grids: list[Grid]) -> Parsed:
    """Cells and pieces of one table whose grids are known to be its own (read by position),
    or why it cannot be placed on the form."""
    cells, unread = _placed(table, grids)
    return cells, [_piece(table, grid) for grid in grids], unread


def _placed(table: str, grids: list[Grid]) -> tuple[list[Cell], list[UnreadTable]]:
    """A table's cells, or none and the reason: a table that cannot be placed on the form
    costs its own cells, not the report's other tables (issue 12)."""
    try:
        return TABLE_PARSERS[table](grids), []
    except UnknownLayout as err:
        return [], [UnreadTable(table, err.reason)]


def _piece(table: str, grid: Grid) -> TablePiece:
    return TablePiece(
        table, grid.page, grid.order, grid.method, grid.accuracy, grid.whitespace, grid.confidence
    )


def parse_grids(grids: Iterable[Grid]) -> Parsed:
    """Cells of all three tables found among `grids`, each table's pieces joined in page order,
    the pieces themselves with camelot's parsing report, and the tables found but not placed."""
    by_table: dict[str, list[Grid]] = {name: [] for name in TABLE_PARSERS}
    pieces: list[TablePiece] = []
    previous: str | None = None
    for grid in grids:
        table = classify_grid(grid) or _continuation_of(previous, grid)
        if table is not None:
            by_table[table].append(grid)
            pieces.append(_piece(table, grid))
        previous = table
    cells: list[Cell] = []
    unread: list[UnreadTable] = []
    for name, table_grids in by_table.items():
        placed, refused = _placed(name, table_grids)
        cells, unread = cells + placed, unread + refused
    return cells, pieces, unread
