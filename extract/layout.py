"""Ruled grids → cells under SPEC codes, for each of tables 二, 三 and 四."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from extract.labels import (
    APPLICATION_ROW_LABELS,
    DISCLOSURE_ITEM_LABELS,
    PAGE_FOOTER,
    REVIEW_OUTCOME_LABELS,
    TABLE_MARKERS,
    leading_number,
    match_row,
    normalize_label,
)
from extract.tables import TEXT_POSITION, Grid
from extract.values import has_number, is_value_like, parse_amount, parse_count
from nianbao.errors import UnknownLayout
from nianbao.form import (
    APPLICANT_CODES,
    DISCLOSURE_MEASURES,
    FORM_ROW_ORDER,
    OUTCOME_CODES,
    PROCEEDING_CODES,
)
from nianbao.records import Cell, Number, TablePiece

Row = tuple[str, ...]


def classify_grid(grid: Grid) -> str | None:
    """Which table ('disclosure' | 'review' | 'application') a grid is part of, if any."""
    text = normalize_label("".join("".join(r) for r in grid.rows))
    for table, marker in TABLE_MARKERS.items():
        if marker.search(text):
            return table
    if any(_application_code(_leaf(r[:-7])) for r in grid.rows if len(r) > 7):
        return "application"  # a continuation piece of table 三 with no header
    return None


def _continuation_of(previous: str | None, grid: Grid) -> str | None:
    """A headless piece right after table 四 (its values carried onto the next page)."""
    if previous == "review" and any(len(r) >= 15 and _is_review_data(r) for r in grid.rows):
        return "review"
    return None


def _leaf(labels: Iterable[str]) -> str:
    """The innermost (rightmost non-empty) label of a row, normalized."""
    texts = [normalize_label(t) for t in labels]
    texts = [t for t in texts if t]
    return texts[-1] if texts else ""


def _application_code(leaf: str) -> str | None:
    return match_row(APPLICATION_ROW_LABELS, leaf) if leaf else None


# ---- table 三 ---------------------------------------------------------------------------


def parse_application(grids: list[Grid]) -> list[Cell]:
    cells: list[Cell] = []
    seen: list[str] = []
    for grid in grids:
        _check_applicant_header(grid)
        for r, row in enumerate(grid.rows):
            code = _application_row_code(grid, row)
            if code is None:
                continue
            _check_row_order(grid, code, seen)
            seen.append(code)
            first = len(row) - 7
            cells.extend(
                read_value(grid, r, first + i, parse_count, ("application", code, col))
                for i, col in enumerate(APPLICANT_CODES)
            )
    return cells


# What a disagreement of the two readings is called, by how the grid was found: lattice grids
# are read twice by pdfium glyphs and camelot's text; grids read by position by the glyphs
# and pdfium's own bounded text.
DIFFERS: dict[str, str] = {TEXT_POSITION: "bounded-text-differs"}


def read_value(
    grid: Grid, r: int, c: int, parse: Callable[[str], Number | None], key: tuple[str, str, str]
) -> Cell:
    """A value cell, read twice: the glyph reading is kept; a cell whose glyphs sit on a rule,
    or that is merged into a neighbour (the form merges no value cells), is not trusted."""
    raw, second = grid.rows[r][c], grid.second_rows[r][c]
    value = parse(raw)
    if (r, c) in grid.ambiguous or (r, c) in grid.covered:
        value, reading = None, "ambiguous"
    else:
        reading = "agree" if parse(second) == value else DIFFERS.get(grid.method, "camelot-differs")
    return Cell(*key, value, raw, grid.page, grid.order, reading, second)


def _application_row_code(grid: Grid, row: Row) -> str | None:
    if len(row) < 8:
        if any(has_number(c) for c in row):
            raise UnknownLayout(
                f"table 三 on page {grid.page}: a row has {len(row)} columns, not 6+1 values and a label"
            )
        return None
    leaf = _leaf(row[:-7])
    code = _application_code(leaf)
    if code is None:
        if any(has_number(c) for c in row[-7:]) and not PAGE_FOOTER.match(leaf):
            raise UnknownLayout(
                f"table 三 on page {grid.page}: row label {leaf or '(none)'!r} is not one of the form's rows"
            )
        return None  # a header, a group heading on its own line, or a page footer
    number = leading_number(leaf)
    if number is not None and code.count(".") == 2 and int(code.rsplit(".", 1)[1]) != number:
        raise UnknownLayout(
            f"table 三 on page {grid.page}: label {leaf!r} is numbered {number} but reads as row {code}"
        )
    return code


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
    for row in grid.rows:
        values = [normalize_label(c) for c in row[-7:]]
        if "自然人" in values:
            if values[0] != "自然人" or "总计" not in values[6]:
                raise UnknownLayout(
                    f"table 三 on page {grid.page}: applicant columns are not in form order "
                    f"(自然人 … 总计): {values}"
                )
            return


# ---- table 四 ---------------------------------------------------------------------------

_PROCEEDING_HEADERS = ("行政复议", "未经复议|直接起诉", "复议后起诉")


def parse_review(grids: list[Grid]) -> list[Cell]:
    rows = [(g, i, r) for g in grids for i, r in enumerate(g.rows) if len(r) >= 15]
    data = [(g, i, r) for g, i, r in rows if _is_review_data(r)]
    if not data:
        return []
    if len(data) > 1:
        raise UnknownLayout(
            f"table 四 on page {data[0][0].page}: {len(data)} rows of values, the form has one"
        )
    grid, index, row = data[0]
    # The header may sit on the page before the values when the table breaks across pages.
    _check_review_header(grid, [r for g, i, r in rows if (g, i) != (grid, index)])
    if not any("行政复议" in normalize_label(c) for g in grids for r in g.rows for c in r):
        raise UnknownLayout(f"table 四 on page {grid.page}: no 行政复议 heading above its values")
    first = len(row) - 15
    return [
        read_value(
            grid,
            index,
            first + i,
            parse_count,
            ("review", PROCEEDING_CODES[i // 5], OUTCOME_CODES[i % 5]),
        )
        for i in range(15)
    ]


def _is_review_data(row: Row) -> bool:
    values = row[-15:]
    return any(has_number(c) for c in values) and all(is_value_like(c) for c in values)


def _check_review_header(grid: Grid, header_rows: list[Row]) -> None:
    for i in range(15):
        text = "".join(normalize_label(r[-15:][i]) for r in header_rows)
        outcome = REVIEW_OUTCOME_LABELS[i % 5]
        if not outcome.pattern.search(text):
            raise UnknownLayout(
                f"table 四 on page {grid.page}: column {i + 1} header {text!r} is not {outcome.code!r} "
                "where the form prints it"
            )
    for first in (5, 10):
        # Over its five columns: merged (ruled) it sits in the first, centred (by position)
        # it may sit over any of them.
        text = "".join(
            normalize_label(r[-15:][i]) for r in header_rows for i in range(first, first + 5)
        )
        if not re.search(_PROCEEDING_HEADERS[first // 5], text):
            raise UnknownLayout(
                f"table 四 on page {grid.page}: columns {first + 1}–{first + 5} should be under "
                f"{_PROCEEDING_HEADERS[first // 5]}, read {text!r}"
            )


# ---- table 二 ---------------------------------------------------------------------------


def parse_disclosure(grids: list[Grid]) -> list[Cell]:
    cells: list[Cell] = []
    for grid in grids:
        for r, row in enumerate(grid.rows):
            item = match_row(DISCLOSURE_ITEM_LABELS, normalize_label(row[0]))
            if item is None:
                continue
            measures = DISCLOSURE_MEASURES[item]
            if len(row) < 1 + len(measures):
                raise UnknownLayout(
                    f"table 二 on page {grid.page}: row {row[0]!r} has too few cells"
                )
            parse = parse_amount if item == "administrative_fees" else parse_count
            cells.extend(
                read_value(grid, r, 1 + i, parse, ("disclosure", item, m))
                for i, m in enumerate(measures)
            )
    return cells


TABLE_PARSERS: dict[str, Callable[[list[Grid]], list[Cell]]] = {
    "disclosure": parse_disclosure,
    "application": parse_application,
    "review": parse_review,
}


def parse_table(table: str, grids: list[Grid]) -> tuple[list[Cell], list[TablePiece]]:
    """Cells and pieces of one table whose grids are known to be its own (read by position)."""
    return TABLE_PARSERS[table](grids), [_piece(table, grid) for grid in grids]


def _piece(table: str, grid: Grid) -> TablePiece:
    return TablePiece(
        table, grid.page, grid.order, grid.method, grid.accuracy, grid.whitespace, grid.confidence
    )


def parse_grids(grids: Iterable[Grid]) -> tuple[list[Cell], list[TablePiece]]:
    """Cells of all three tables found among `grids`, each table's pieces joined in page order,
    and the pieces themselves with camelot's parsing report."""
    by_table: dict[str, list[Grid]] = {name: [] for name in TABLE_PARSERS}
    pieces: list[TablePiece] = []
    previous: str | None = None
    for grid in grids:
        table = classify_grid(grid) or _continuation_of(previous, grid)
        if table is not None:
            by_table[table].append(grid)
            pieces.append(_piece(table, grid))
        previous = table
    cells = [cell for name, parse in TABLE_PARSERS.items() for cell in parse(by_table[name])]
    return cells, pieces
